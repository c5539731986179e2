"""Workers join and leave mid-stream (no crash): each join and each SIGTERM leave is a
rebalance, the fault under which faust's own exactly_once crashed and doubled 972 of
20,000 keys (docs/guarantees.md, #323). Ours: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import time

from tests.faults.stream import Stream, article, audit_into, progress, wait_caught_up

ARTICLES = 5000
JOINS = 2


def test_workers_joining_and_leaving_mid_stream(settings, workers, figures):
    first = workers.start("a")
    stream = Stream(settings, [article(i) for i in range(ARTICLES)], rate=400)
    stream.start()
    exits = []
    for n in range(JOINS):
        while progress(settings)[0] < (n + 1) * ARTICLES // (JOINS + 2):
            time.sleep(0.2)
        joiner = workers.start(f"joiner-{n}")
        joined = time.monotonic()
        while not _owns_partitions(joiner):
            assert time.monotonic() - joined < 60, "the joiner got no partition"
            time.sleep(0.2)
        figures.setdefault("joined_seconds", []).append(round(time.monotonic() - joined, 2))
        time.sleep(4)  # it works a while
        exits.append(joiner.stop(timeout=30))  # SIGTERM: a clean leave, a second rebalance
    figures["joiner_exit_codes"] = exits
    stream.finish()
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    report = audit_into(settings, figures)
    assert exits == [0] * JOINS
    assert first.process.poll() is None
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES


def _owns_partitions(worker) -> bool:
    try:
        return bool(json.loads(worker.get("/readyz"))["assigned_partitions"])
    except OSError:  # 503 until it owns some
        return False
