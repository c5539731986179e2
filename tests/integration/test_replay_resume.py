"""`newsflow replay` killed with SIGKILL in the middle of its range and run again: every
article of the range gets exactly one replay revision (read_committed, the enriched topic
to its end: revisions 1, 2 for the replay, 3 for a later correction) and `newsflow audit`
is clean. Its own topics and worker (module fixtures), so the counts are this test's."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import orjson
import pytest

from newsflow.ingest.publish import publish
from newsflow.kafka.reader import collect, read_topic
from newsflow.topics.registry import ENRICHED, RAW

pytestmark = pytest.mark.integration

ARTICLES = 300
RULES = "9.9-resume"


def article(n: int) -> dict:
    return {"title": f"Council vote {n}", "url": f"https://news.example/2026/vote-{n}",
            "body": f'"We approved plan {n}," the mayor said. The council met on day {n}.'}


async def send(settings, tmp_path, name, articles) -> list[str]:
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in articles))
    ids: list[str] = []
    await publish(settings, [str(path)], acknowledged=ids.extend)
    return ids


def all_corrected(ids: set[str]):
    return lambda found: {e["id"] for e in found["enriched"] if e["revision"] == 3} >= ids


def newsflow(settings, *args: str) -> subprocess.Popen:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env = {**clean, "NEWSFLOW_BOOTSTRAP": settings.bootstrap,
           "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix}
    return subprocess.Popen([sys.executable, "-m", "newsflow.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


async def messages(settings, topic) -> list[dict]:
    """The topic's committed messages, to its end."""
    return [orjson.loads(r.value) async for r in read_topic(settings, topic.name(settings.topic_prefix))]


async def test_replay_killed_mid_range_and_run_again_replays_each_article_once(
        settings, worker, tmp_path):
    ids = await send(settings, tmp_path, "range", [article(n) for n in range(ARTICLES)])
    assert len(set(ids)) == ARTICLES
    corrected = [{**article(n), "body": article(n)["body"] + " Corrected."}
                 for n in range(ARTICLES)]
    await collect(settings, ["enriched"],
                  lambda f: len({e["id"] for e in f["enriched"]}) >= ARTICLES, timeout=60)

    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    replay_args = ("replay", "--from", today, "--to", today, "--rules", RULES)
    first = newsflow(settings, *replay_args)
    for line in first.stderr:  # progress lines: kill it once some, not all, were sent
        if "articles sent again" in line and "done" not in line:
            sent = int(line.split(",")[1].split()[0])
            if 0 < sent < ARTICLES:
                first.send_signal(signal.SIGKILL)
                break
    assert first.wait(timeout=60) == -signal.SIGKILL, "the replay ended before the kill"
    resent = sum(1 for m in await messages(settings, RAW) if m.get("replay") == RULES)
    assert 0 < resent < ARTICLES  # the kill came in the middle of the range

    second = newsflow(settings, *replay_args)
    _, log = second.communicate(timeout=90)
    assert second.returncode == 0, log

    # then a correction of each: on an article's partition it comes after every replayed
    # record, so revision 3 for all proves no replay made two revisions
    assert await send(settings, tmp_path, "corrected", corrected) == ids
    await collect(settings, ["enriched"], all_corrected(set(ids)), timeout=60)
    per_article: dict[str, list] = {}
    for e in await messages(settings, ENRICHED):
        per_article.setdefault(e["id"], []).append((e["revision"], e.get("replay")))
    assert set(per_article) == set(ids)
    assert all(seen == [(1, None), (2, RULES), (3, None)] for seen in per_article.values())
    audit = newsflow(settings, "audit", "--json")
    out, err = audit.communicate(timeout=120)
    assert audit.returncode == 0, out + err
