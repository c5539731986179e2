"""A worker paused for longer than its session timeout (SIGSTOP; in production a long GC
or VM pause, or CPU throttling) is expelled from the group with a batch in hand; its
partitions go to the others. When it resumes (SIGCONT) it must not publish that batch as
well: nothing doubled, nothing lost."""

from __future__ import annotations

import os
import signal
import time

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
    stream.finish(timeout=300)
    figures["catch_up_seconds"] = round(wait_caught_up(settings, timeout=300), 2)
    report = audit_into(settings, figures)
    assert all(w.process.poll() is None for w in pool)
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES
