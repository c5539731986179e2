"""A worker paused for longer than its session timeout (SIGSTOP; in production a long GC
or VM pause, or CPU throttling) is expelled from the group with a batch in hand; its
partitions go to the others. When it resumes (SIGCONT) it must not publish that batch as
well: nothing doubled, nothing lost."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error

import pytest

from tests.faults.stream import Stream, article, audit_into, progress, wait_caught_up

ARTICLES = 3000
PARAGRAPHS = 6  # long enough to keep the workers busy: a pause lands mid-batch
PAUSE_SECONDS = 15  # the session timeout is 10 s


@pytest.mark.parametrize("count, rounds", [(2, 3), (3, 2)])
def test_a_paused_worker_publishes_nothing_twice(settings, workers, figures, count, rounds):
    pool = [workers.start(f"w{n}") for n in range(count)]
    stream = Stream(settings, [article(i, PARAGRAPHS) for i in range(ARTICLES)], rate=40)
    stream.start()
    for n in range(rounds):
        while progress(settings)[0] < (n + 1) * ARTICLES // (rounds + 2):
            time.sleep(0.2)
        zombie = pool[n % count]
        os.killpg(zombie.process.pid, signal.SIGSTOP)  # the whole process group, child included
        time.sleep(PAUSE_SECONDS)
        os.killpg(zombie.process.pid, signal.SIGCONT)
        figures.setdefault("paused", []).append(zombie.settings.worker_id)
        figures.setdefault("readyz_after_pause", []).append(_readiness_until_back(zombie))
    stream.finish(timeout=300)
    figures["catch_up_seconds"] = round(wait_caught_up(settings, timeout=300), 2)
    report = audit_into(settings, figures)
    assert all(w.process.poll() is None for w in pool)
    # out of its group after the pause it said so, until it was back in
    assert all("out of group" in states and states[-1] == "ready"
               for states in figures["readyz_after_pause"]), figures["readyz_after_pause"]
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES


def _readiness_until_back(worker, timeout: float = 60.0) -> list[str]:
    """What /readyz said, polled from the resumption until the worker is ready again
    (consecutive repeats folded)."""
    states: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            body = json.loads(worker.get("/readyz"))
        except urllib.error.HTTPError as refused:
            body = json.loads(refused.read())
        state = "ready" if body["ready"] else "out of group" if not body.get("in_group") else "not ready"
        if not states or states[-1] != state:
            states.append(state)
        if state == "ready" and len(states) > 1:
            break
        time.sleep(0.1)
    return states
