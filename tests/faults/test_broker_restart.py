"""Stop the broker mid-stream and start it again (same storage, same ports): the worker
and our producer (`newsflow ingest` reading a pipe) recover on their own; nothing lost,
nothing doubled."""

from __future__ import annotations

import time

import orjson

from tests.faults.stream import (PipedIngest, Stream, article, article_fields, audit_into,
                                 progress, wait_caught_up, wait_progress)

ARTICLES = 5000
PIPED = 1000  # through `newsflow ingest -`, 100/s: the outage falls in the middle
DOWN_SECONDS = 5.0


def test_broker_stop_and_start_mid_stream(kafka, settings, workers, figures):
    worker = workers.start("w1")
    stream = Stream(settings, [article(i) for i in range(ARTICLES)], rate=500)
    stream.start()
    while progress(settings)[0] < ARTICLES // 4:
        time.sleep(0.2)
    piped = PipedIngest(settings, [orjson.dumps(article_fields(i))
                                   for i in range(ARTICLES, ARTICLES + PIPED)],
                        rate=100, log_path=workers.folder / "ingest.log")
    piped.start()
    time.sleep(3)
    before, _ = progress(settings)
    stopped = time.monotonic()
    kafka.stop()
    time.sleep(DOWN_SECONDS)
    kafka.start()
    back = time.monotonic()
    wait_progress(settings, before)
    figures["broker_down_seconds"] = round(back - stopped, 2)
    figures["recovery_seconds"] = round(time.monotonic() - back, 2)
    stream.finish()
    figures["producer_chunks_resent"] = stream.resent
    assert piped.finish() == 0, (workers.folder / "ingest.log").read_text()
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    report = audit_into(settings, figures)
    assert worker.process.poll() is None, "the worker died instead of retrying"
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES + PIPED and report.enriched == ARTICLES + PIPED
    stopping = time.monotonic()
    assert worker.stop(timeout=30) == 0  # SIGTERM: finish the batch, commit, exit 0
    figures["shutdown_seconds"] = round(time.monotonic() - stopping, 2)
