"""A rolling restart of the three brokers mid-stream, one at a time, each waited back in
sync before the next goes (as an operator upgrades a cluster): the worker and the
producer ride through it; nothing lost, nothing doubled."""

from __future__ import annotations

import time

from tests.faults.cluster.replicas import wait_in_sync
from tests.faults.stream import ProgressWatch, Stream, article, audit_into, progress, wait_caught_up

ARTICLES = 5000
RATE = 30  # up to 170 s of stream: the three restarts fall inside it, then the rest goes fast


def test_rolling_restart_of_every_broker_mid_stream(kafka, settings, workers, figures):
    workers.start("w1")
    stream = Stream(settings, [article(i) for i in range(ARTICLES)], rate=RATE)
    stream.start()
    while progress(settings)[0] < ARTICLES // 20:
        time.sleep(0.2)
    watch = ProgressWatch(settings)
    watch.start()
    restarts = figures["restarts"] = []
    for node in kafka.nodes:
        assert stream.sent < ARTICLES, "the stream ended before every broker was restarted"
        sent, began = stream.sent, time.monotonic()
        node.stop()  # SIGTERM: controlled shutdown, leadership moves first
        stopped = time.monotonic()
        node.start()
        restarts.append({"node": node.node_id, "sent_before": sent,
                         "stop_seconds": round(stopped - began, 2),
                         "start_seconds": round(time.monotonic() - stopped, 2),
                         "in_sync_seconds": round(wait_in_sync(settings, len(kafka.nodes)), 2)})
    figures["sent_when_restarts_done"] = stream.sent
    stream.speed_up(1000)
    stream.finish(timeout=300)
    figures["producer_chunks_resent"] = stream.resent
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    figures["longest_stall_seconds"] = watch.longest_stall()
    report = audit_into(settings, figures)
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES
