"""The seed and bad input through a real broker and a real worker process."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import shutil
import subprocess
import sys

import httpx
import orjson
import pytest
from newsflow import metrics
from newsflow.ingest.publish import publish
from newsflow.kafka.clients import producer as new_producer, started
from newsflow.topics import validate
from newsflow.topics.registry import RAW
from tests.conftest import SEED
from newsflow.kafka.reader import collect
from newsflow.local.broker import free_port

pytestmark = pytest.mark.integration

SEED_DIRECT = [
    ("Well, it's obvious that Kiev is in no hurry", "Peskov"),
    ("We should wait for some signals", "Peskov"),
    ("We have repeatedly said", "Peskov"),
    ("frank and important.", "Rubio"),
    ("Our strategy is to continue to engage", "Rubio"),
]

SEED_ENTITIES = {"Dmitry Peskov", "Rubio", "Lavrov", "MIC Izvestia", "RT", "Russia", "Ukraine",
                 "Kiev", "Moscow", "Istanbul", "Kuala Lumpur", "US"}

BAD_RAW = {
    "malformed_json": b'{"title": "unterminated',
    "not_utf8": b'{"title": "t", "body": "Sch\xf6n"}',
    "binary": bytes(range(256)),
    "missing_body": b'{"title": "no body here"}',
    "empty_body": b'{"title": "t", "body": ""}',
    "wrong_type": b'{"title": "t", "body": {"text": "nested"}}',
    "oversize": orjson.dumps({"title": "big", "body": "word " * 20_000}),
}
# Every raw message this module sends: metrics are checked against these counts.
# "repeated": an article sent again under the same id, which the worker's dedupe skips.
SENT = {"good": 0, "bad": 0, "repeated": 0}


def messages_about(found: dict, article_id: str) -> dict[str, list[dict]]:
    return {
        role: [m for m in items if article_id in (m.get("id"), m.get("article_id"))]
        for role, items in found.items()
    }


async def test_seed_comes_out_enriched_on_every_downstream_topic(settings, worker, seed_article):
    ids: list[str] = []
    raw = metrics.MESSAGES_PRODUCED.labels("raw")
    before = raw._value.get()
    published, rejected = await publish(settings, [str(SEED)], acknowledged=ids.extend)
    SENT["good"] += 1
    assert published == 1 and ids == [seed_article.id] and rejected == 0
    assert raw._value.get() - before == 1  # counted once the broker acknowledged it

    def complete(found):
        mine = messages_about(found, seed_article.id)
        return (mine["enriched"] and len(mine["quotes"]) == len(mine["enriched"][0]["quotes"])
                and len(mine["entities"]) == len(mine["enriched"][0]["canonical_entities"]))

    found = await collect(settings, ["enriched", "quotes", "entities"], complete)
    mine = messages_about(found, seed_article.id)
    (article,) = mine["enriched"]
    assert article["title"] == seed_article.title
    assert article["published"] == "2025-07-14"
    assert article["_record"]["key"] == seed_article.id.encode()
    for text, speaker in SEED_DIRECT:
        quote = next(q for q in article["quotes"] if text in q["text"])
        assert quote["type"] in ("direct", "mixed")
        assert speaker in quote["speaker"]["name"]
    assert [q["text"] for q in mine["quotes"]] == [q["text"] for q in article["quotes"]]
    assert {m["_record"]["key"] for m in mine["quotes"]} == {seed_article.id.encode()}
    names = {e["name"] for e in article["canonical_entities"]}
    assert {m["name"] for m in mine["entities"]} == names
    by_name = {m["name"]: m for m in mine["entities"]}
    peskov = by_name["Dmitry Peskov"]
    assert peskov["label"] == "PERSON" and "spokesman" in peskov["role"] and peskov["count"] >= 5
    assert {q["text"][:20] for q in peskov["quotes"]} >= {
        q["text"][:20] for q in article["quotes"] if q["speaker"] and q["speaker"]["name"] == "Dmitry Peskov"}
    assert by_name["US"]["normalized"] == "United States"
    assert SEED_ENTITIES <= names
    assert all(m["_record"]["key"] == m["normalized"].encode() for m in mine["entities"])
    for role_messages in mine.values():
        for message in role_messages:
            message.pop("_record")
            validate(message)


async def test_bad_raw_messages_are_dead_lettered_and_the_worker_goes_on(settings, worker):
    producer = await started(new_producer(settings), settings)
    offsets = {}
    try:
        for reason, payload in BAD_RAW.items():
            meta = await producer.send_and_wait(RAW.name(settings.topic_prefix), payload, key=b"k")
            offsets[reason] = (meta.partition, meta.offset)
            SENT["bad"] += 1
        after = orjson.dumps({"id": "after-the-bad-ones", "title": "Still here",
                              "body": 'The mayor said the bridge will reopen on Monday.'})
        await producer.send_and_wait(RAW.name(settings.topic_prefix), after, key=b"after")
        SENT["good"] += 1
    finally:
        await producer.stop()

    def complete(found):
        return (len([d for d in found["deadletter"] if d["stage"] == "worker"]) >= len(BAD_RAW)
                and any(e.get("source_id") == "after-the-bad-ones" for e in found["enriched"]))

    found = await collect(settings, ["deadletter", "enriched"], complete)
    letters = {d["reason"]: d for d in found["deadletter"] if d["stage"] == "worker"}
    assert set(letters) == set(BAD_RAW)
    for reason, payload in BAD_RAW.items():
        letter = letters[reason]
        assert base64.b64decode(letter["payload_b64"]) == payload
        partition, offset = offsets[reason]
        assert letter["source"] == {"topic": RAW.name(settings.topic_prefix),
                                    "partition": partition, "offset": offset}
        assert letter["detail"]
        letter.pop("_record")
        validate(letter)
    assert worker.process.poll() is None


def test_ingest_command_names_bad_files_and_publishes_the_good(settings, tmp_path):
    shutil.copy(SEED, tmp_path / "seed.txt")
    (tmp_path / "nodate.txt").write_text("\nA title\nAnd straight into the body.\n")
    env_args = ["--bootstrap", settings.bootstrap, "--topic-prefix", settings.topic_prefix]
    result = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "ingest", str(tmp_path), *env_args],
        capture_output=True, text=True, timeout=60,
    )
    SENT["repeated"] += 1  # the seed, already published by the first test
    assert result.returncode == 1
    assert re.search(r"nodate\.txt: no_date_line", result.stderr)
    assert "published 1 article(s)" in result.stderr


async def test_ingest_rejects_reach_the_dead_letter_topic(settings):
    found = await collect(
        settings, ["deadletter"], lambda f: any(d["stage"] == "ingest" for d in f["deadletter"]),
    )
    (letter,) = [d for d in found["deadletter"] if d["stage"] == "ingest"]
    assert letter["reason"] == "no_date_line"
    assert letter["source"]["origin"].endswith("nodate.txt")


async def test_ingest_from_a_pipe_publishes_while_the_pipe_stays_open(settings):
    """`tail -f wire.jsonl | newsflow ingest`: each article goes out (and its id is
    printed) when it arrives, not when the pipe closes."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsflow.cli", "ingest", "-", "--bootstrap", settings.bootstrap,
        "--topic-prefix", settings.topic_prefix,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = [orjson.dumps({"title": f"Wire item {n}", "body": f"The council said bridge {n} reopens."})
                 for n in (1, 2)]
        process.stdin.write(lines[0] + b"\n")
        await process.stdin.drain()
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
        found = await collect(settings, ["raw"], lambda f: any(m.get("id") == first for m in f["raw"]), 30)
        assert [m["title"] for m in found["raw"] if m.get("id") == first] == ["Wire item 1"]
        process.stdin.write(lines[1] + b"\n")
        process.stdin.close()
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    SENT["good"] += 2
    assert process.returncode == 0, err.decode()
    assert len(out.split()) == 1 and "published 2 article(s)" in err.decode()


async def test_ingest_from_a_pipe_serves_its_dead_letters_on_metrics_when_given_a_port(settings):
    """A long-running `... | newsflow ingest -` with NEWSFLOW_INGEST_METRICS_PORT: its
    ingest-stage dead letters reach Prometheus, counted once the broker has them."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsflow.cli", "ingest", "-", "--bootstrap", settings.bootstrap,
        "--topic-prefix", settings.topic_prefix, "--ingest-metrics-port", str(port),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    letters = 'newsflow_dead_letters_total{reason="malformed_json",stage="ingest"}'
    produced = 'newsflow_messages_produced_total{topic="deadletter"}'
    text = ""
    try:
        process.stdin.write(b"{not json\n")
        await process.stdin.drain()
        async with httpx.AsyncClient() as http:
            for _ in range(120):
                with contextlib.suppress(httpx.HTTPError):
                    text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
                if f"{produced} 1.0" in text:
                    break
                await asyncio.sleep(0.25)
        process.stdin.close()
        _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 1, err.decode()  # an input was rejected
    assert _value(text, letters) == 1 and _value(text, produced) == 1
    assert _value(text, 'newsflow_messages_produced_total{topic="raw"}') == 0


async def test_metrics_count_what_went_through(settings, worker):
    sent = SENT["good"] + SENT["bad"] + SENT["repeated"]
    text = ""
    for _ in range(60):
        text = worker.get("/metrics").decode()
        consumed = _value(text, "newsflow_articles_consumed_total")
        lag = [float(v) for v in re.findall(r"^newsflow_consumer_lag_messages\{.*\} (\S+)$", text, re.M)]
        if consumed == sent and lag and sum(lag) == 0:
            break
        await asyncio.sleep(0.5)
    assert _value(text, "newsflow_articles_consumed_total") == sent
    assert _value(text, "newsflow_articles_enriched_total") == SENT["good"]
    assert _value(text, 'newsflow_duplicates_skipped_total{kind="article"}') == SENT["repeated"]
    # one dedupe marker per record processed (good or bad), counted once committed
    assert _value(text, 'newsflow_messages_produced_total{topic="seen"}') == SENT["good"] + SENT["bad"]
    assert _value(text, 'newsflow_transactions_total{outcome="committed"}') >= 1
    found = await collect(settings, ["enriched"], lambda f: len(f["enriched"]) >= SENT["good"])
    assert len(found["enriched"]) == SENT["good"]
    for reason in BAD_RAW:
        assert _value(text, f'newsflow_dead_letters_total{{reason="{reason}",stage="worker"}}') == 1
    # series that never increased are exported at 0, so rate() sees their first increase
    assert _value(text, 'newsflow_dead_letters_total{reason="enrichment_failed",stage="worker"}') == 0
    assert _value(text, 'newsflow_transactions_total{outcome="fenced"}') == 0
    assert _value(text, "newsflow_batch_processing_seconds_count") >= 1
    assert _value(text, "newsflow_quotes_emitted_total") >= 2 * len(SEED_DIRECT)
    assert sum(float(v) for v in re.findall(r"^newsflow_consumer_lag_messages\{.*\} (\S+)$", text, re.M)) == 0


def _value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.M)
    assert match, f"{sample} not exposed"
    return float(match.group(1))
