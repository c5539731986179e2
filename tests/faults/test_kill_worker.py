"""kill -9 a worker in the middle of a stream, start it again: nothing lost, nothing doubled
(at_least_once: nothing lost)."""

from __future__ import annotations

import random
import time

import pytest

from tests.faults.stream import Stream, article, audit_into, progress, wait_caught_up, wait_progress

ARTICLES = 5000
AGAIN = range(0, ARTICLES, 100)  # ingested a second time: deduplicated, not enriched again


@pytest.mark.parametrize("guarantee", ["exactly_once", "at_least_once"])
def test_kill_9_mid_stream_then_restart(settings, workers, figures, guarantee):
    workers.settings = settings.override(guarantee=guarantee)
    items = [article(i) for i in range(ARTICLES)] + [article(i) for i in AGAIN]
    worker = workers.start("w1")
    stream = Stream(settings, items, rate=600)
    stream.start()
    while progress(settings)[0] < ARTICLES // 3:
        time.sleep(0.2)
    killed = time.monotonic()
    worker.kill()
    before, _ = progress(settings)  # after the kill: no commit of the dead one counts
    workers.start("w1")  # same worker id: fences the dead one's transaction
    wait_progress(settings, before)
    figures["recovery_seconds"] = round(time.monotonic() - killed, 2)
    figures["committed_at_kill"] = before
    # The dead member leaves the loop's group after its 10 s session timeout; the loop
    # must not also wait for faust's trending group to recover (it once waited 60 s).
    assert figures["recovery_seconds"] < 30
    stream.finish()
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    report = audit_into(settings, figures)
    assert not report.missing, report.missing[:5]
    assert report.articles == ARTICLES and report.ingested_again >= len(AGAIN)
    if guarantee == "exactly_once":
        assert not report.duplicated, list(report.duplicated.items())[:5]
        assert report.enriched == ARTICLES and report.dead_letters == 0
    # at_least_once: the batch in flight at the kill may come out twice (figures say how often)


KILLS = 10
FED = 3000  # at 30/s: the stream lasts as long as the kills


def test_ten_kills_at_random_moments_while_feeding(settings, workers, figures):
    """kill -9 again and again, wherever the worker is (enriching, committing, restoring,
    starting): each restart resumes, nothing is lost or doubled."""
    chance = random.Random(14)
    items = [article(i, paragraphs=2) for i in range(FED)]
    worker = workers.start("w1")
    stream = Stream(settings, items, rate=30)
    stream.start()
    moments = []
    for _ in range(KILLS):
        before, _ = progress(settings)
        wait_progress(settings, before)  # it works again since the last kill
        time.sleep(chance.uniform(0.0, 2.5))
        moments.append(progress(settings)[0])
        worker.kill()
        worker = workers.start("w1")
    figures["committed_at_kills"] = moments
    stream.finish(timeout=300)
    figures["catch_up_seconds"] = round(wait_caught_up(settings, timeout=300), 2)
    report = audit_into(settings, figures)
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == FED and report.enriched == FED
