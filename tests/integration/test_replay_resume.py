"""`newsflow replay` killed with SIGKILL in the middle of its range and run again: every
article of the range gets exactly one replay revision, read_committed from the enriched
topic, and `newsflow audit` is clean. Its own topics and worker (module fixtures), so the
counts are this test's alone."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections import Counter

import orjson
import pytest

from newsflow.ingest.publish import publish
from newsflow.kafka.reader import collect

pytestmark = pytest.mark.integration

ARTICLES = 300
RULES = "9.9-resume"


def article(n: int) -> dict:
    return {"title": f"Council vote {n}", "url": f"https://news.example/2026/vote-{n}",
            "body": f'"We approved plan {n}," the mayor said. The council met on day {n}.'}


def newsflow(settings, *args: str) -> subprocess.Popen:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env = {**clean, "NEWSFLOW_BOOTSTRAP": settings.bootstrap,
           "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix}
    return subprocess.Popen([sys.executable, "-m", "newsflow.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def replayed_raw(found: dict) -> int:
    return sum(1 for r in found["raw"] if r.get("replay") == RULES)


async def test_replay_killed_mid_range_and_run_again_replays_each_article_once(
        settings, worker, tmp_path):
    path = tmp_path / "range.jsonl"
    path.write_bytes(b"".join(orjson.dumps(article(n)) + b"\n" for n in range(ARTICLES)))
    ids: list[str] = []
    await publish(settings, [str(path)], acknowledged=ids.extend)
    assert len(set(ids)) == ARTICLES
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
    found = await collect(settings, ["raw"], lambda f: False, timeout=3)
    assert 0 < replayed_raw(found) < ARTICLES  # the kill came in the middle of the range

    second = newsflow(settings, *replay_args)
    _, log = second.communicate(timeout=90)
    assert second.returncode == 0, log

    def every_article_replayed(found):
        return {e["id"] for e in found["enriched"] if e.get("replay") == RULES} >= set(ids)

    found = await collect(settings, ["enriched"], every_article_replayed, timeout=60)
    found = await collect(settings, ["enriched"], lambda f: False, timeout=3)  # stragglers
    replays = Counter(e["id"] for e in found["enriched"] if e.get("replay") == RULES)
    assert set(replays) == set(ids) and set(replays.values()) == {1}
    revisions = Counter(e["id"] for e in found["enriched"])
    assert set(revisions.values()) == {2}  # the first enrichment and one replay revision
    audit = newsflow(settings, "audit", "--json")
    out, err = audit.communicate(timeout=120)
    assert audit.returncode == 0, out + err
