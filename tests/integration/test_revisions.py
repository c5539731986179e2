"""Corrections through a real broker and worker: the same story linked three ways is one
article; its correction comes out as revision 2 with its quotes, a consumer can tell the
withdrawn quote, and an unchanged re-send produces nothing."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import orjson
import pytest

from newsflow import __version__
from newsflow.ingest.publish import publish
from newsflow.kafka.reader import collect
from newsflow.topics import validate

pytestmark = pytest.mark.integration

URL = "https://news.example/2026/bridge"
ORIGINAL = {"title": "Bridge shut", "url": URL + "?utm_source=twitter",
            "body": '"It is unsafe," the mayor said. "We will rebuild it," she added.'}
RESENT = {**ORIGINAL, "url": "HTTPS://News.Example/2026/bridge#comments"}
CORRECTED = {**ORIGINAL, "url": URL,
             "body": '"It is unsafe and must stay closed," the deputy mayor said on Monday.'}


async def send(settings, tmp_path, name, *articles) -> list[str]:
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in articles))
    ids: list[str] = []
    await publish(settings, [str(path)], acknowledged=ids.extend)
    return ids


def latest_quotes(quotes: list[dict]) -> list[dict]:
    """What a consumer keeps: the quotes of the article's highest revision."""
    newest = max(q["revision"] for q in quotes)
    return [q for q in quotes if q["revision"] == newest]


async def test_a_correction_is_revision_2_and_a_resend_is_nothing(settings, worker, tmp_path):
    [first] = await send(settings, tmp_path, "original", ORIGINAL)
    await collect(settings, ["enriched"], lambda f: any(e["id"] == first for e in f["enriched"]))
    ids = await send(settings, tmp_path, "later", RESENT, CORRECTED)
    assert ids == [first, first]  # one article however it is linked

    def complete(found):
        return any(e["id"] == first and e["revision"] == 2 for e in found["enriched"])

    found = await collect(settings, ["enriched", "quotes", "entities"], complete)
    enriched = [e for e in found["enriched"] if e["id"] == first]
    assert [(e["revision"], e["previous_revision"]) for e in enriched] == [(1, None), (2, 1)]
    assert enriched[1]["url"] == URL and "deputy mayor" in enriched[1]["body"]
    quotes = [q for q in found["quotes"] if q["article_id"] == first]
    assert sorted(q["revision"] for q in quotes) == [1, 1, 2]
    kept = latest_quotes(quotes)
    assert [q["text"] for q in kept] == [q["text"] for q in enriched[1]["quotes"]]
    assert kept[0]["quotes_in_revision"] == 1
    withdrawn = {q["text"] for q in quotes} - {q["text"] for q in kept}
    assert any("rebuild" in text for text in withdrawn)
    for message in [*enriched, *quotes]:
        message.pop("_record")
        validate(message)


def newsflow(settings, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env = {**clean, "NEWSFLOW_BOOTSTRAP": settings.bootstrap,
           "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix}
    return subprocess.run([sys.executable, "-m", "newsflow.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


async def test_replay_republishes_new_revisions_once_and_is_safe_to_run_again(
        settings, worker, tmp_path):
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    [story] = await send(settings, tmp_path, "replayed", {**ORIGINAL, "url": URL + "/replayed"})
    await collect(settings, ["enriched"], lambda f: any(e["id"] == story for e in f["enriched"]))
    for attempt in range(2):  # the second run is a resumed or repeated one: nothing new
        done = newsflow(settings, "replay", "--from", today, "--to", today, "--rules", "9.9")
        assert done.returncode == 0, done.stderr
        assert "articles sent again for rules 9.9" in done.stderr
    # a correction after both runs: revision 3 proves the second run produced no revision
    await send(settings, tmp_path, "after", {**CORRECTED, "url": URL + "/replayed"})

    def complete(found):
        return any(e["id"] == story and e["revision"] == 3 for e in found["enriched"])

    found = await collect(settings, ["enriched"], complete)
    mine = [e for e in found["enriched"] if e["id"] == story]
    assert [(e["revision"], e.get("replay")) for e in mine] == [(1, None), (2, "9.9"), (3, None)]
    assert {e["rules"] for e in mine} == {__version__} and all(e["model"] for e in mine)
    assert mine[1]["body"] == mine[0]["body"]  # the same article, enriched again
    audit = newsflow(settings, "audit", "--json")
    assert audit.returncode == 0, audit.stdout + audit.stderr


def reused_total(worker) -> float:
    lines = worker.get("/metrics").decode().splitlines()
    return sum(float(line.split()[-1]) for line in lines
               if line.startswith("newsflow_enrichment_reused_total"))


async def test_identical_copies_under_other_urls_reuse_the_enrichment(settings, worker, tmp_path):
    """Through the worker and its enrichment process: the copies are their own articles
    with the first one's body-derived fields, and the worker counts them as reused."""
    before = reused_total(worker)
    wire = {"title": "Port strike ends", "published": "2026-03-02",
            "body": '"The strike is over," the union leader said in Rotterdam on Monday.'}
    ids = await send(settings, tmp_path, "wire", *[{**wire, "url": f"https://outlet{n}.example/port"}
                                                   for n in range(3)])
    assert len(set(ids)) == 3
    found = await collect(settings, ["enriched"],
                          lambda f: {e["id"] for e in f["enriched"]} >= set(ids))
    copies = [e for e in found["enriched"] if e["id"] in ids]
    assert {e["url"] for e in copies} == {f"https://outlet{n}.example/port" for n in range(3)}
    assert all(e["quotes"] == copies[0]["quotes"] and e["quotes"] for e in copies)
    assert all(e["canonical_entities"] == copies[0]["canonical_entities"] for e in copies)
    assert reused_total(worker) - before == 2


async def raw_position(settings, article_id: str) -> tuple[int, int]:
    """(partition, offset) of the article's first record on the raw topic."""
    from aiokafka import TopicPartition

    from newsflow.kafka.admin import describe
    from newsflow.kafka.clients import consumer, started
    from newsflow.topics.registry import RAW

    topic = RAW.name(settings.topic_prefix)
    [raw] = [state for state in await describe(settings) if state.name == topic]
    reader = await started(consumer(settings), settings)
    try:
        chosen = [TopicPartition(topic, p) for p in range(raw.found["partitions"])]
        reader.assign(chosen)
        await reader.seek_to_beginning(*chosen)
        ends = await reader.end_offsets(chosen)
        while [tp for tp in chosen if await reader.position(tp) < ends[tp]]:
            for tp, records in (await reader.getmany(timeout_ms=1000)).items():
                for record in records:
                    if orjson.loads(record.value).get("id") == article_id:
                        return tp.partition, record.offset
    finally:
        await reader.stop()
    raise AssertionError(f"{article_id} is not on {topic}")


async def test_replay_by_offsets_redoes_exactly_that_range(settings, worker, tmp_path):
    [story] = await send(settings, tmp_path, "by-offset", {**ORIGINAL, "url": URL + "/by-offset"})
    await collect(settings, ["enriched"], lambda f: any(e["id"] == story for e in f["enriched"]))
    partition, offset = await raw_position(settings, story)
    both = newsflow(settings, "replay", "--from", "2026-01-01", "--to", "2026-01-02",
                    "--from-offset", "0")
    assert both.returncode == 2 and "Traceback" not in both.stderr  # times or offsets
    done = newsflow(settings, "replay", "--partitions", str(partition), "--from-offset",
                    str(offset), "--to-offset", str(offset + 1), "--rules", "8.8")
    assert done.returncode == 0, done.stderr
    assert "1 records in the range, 1 articles sent again for rules 8.8" in done.stderr

    found = await collect(settings, ["enriched"], lambda f: any(
        e["id"] == story and e["revision"] == 2 for e in f["enriched"]))
    replayed = {e["id"] for e in found["enriched"] if e.get("replay") == "8.8"}
    assert replayed == {story}  # that one record, nothing else of the partition
