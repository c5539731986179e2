"""kill -9 the broker that leads most raw partitions in the middle of a stream, then start
it again: the other two take over its partitions (replication 3, min.insync.replicas 2),
the worker and the producer carry on; nothing lost, nothing doubled."""

from __future__ import annotations

import time

from newsflow.topics.registry import RAW
from tests.faults.cluster.replicas import leaders, wait_in_sync
from tests.faults.stream import ProgressWatch, Stream, article, audit_into, progress, wait_caught_up, wait_progress

ARTICLES = 5000


def test_kill_9_the_broker_leading_most_raw_partitions(kafka, settings, workers, figures):
    raw = RAW.name(settings.topic_prefix)
    victim, led = leaders(settings, raw).most_common(1)[0]
    figures.update(killed_node=victim, raw_partitions_it_led=led)
    workers.start("w1")
    stream = Stream(settings, [article(i) for i in range(ARTICLES)], rate=400)
    stream.start()
    while progress(settings)[0] < ARTICLES // 3:
        time.sleep(0.2)
    watch = ProgressWatch(settings)
    watch.start()
    before, _ = progress(settings)
    killed = time.monotonic()
    kafka.node(victim).kill()
    wait_progress(settings, before)
    figures["recovery_seconds"] = round(time.monotonic() - killed, 2)  # commits move again
    assert victim not in leaders(settings, raw)  # its partitions have new leaders
    kafka.node(victim).start()
    figures["restart_seconds"] = round(time.monotonic() - killed, 2)
    stream.finish()
    figures["producer_chunks_resent"] = stream.resent
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    figures["longest_stall_seconds"] = watch.longest_stall()
    figures["back_in_sync_seconds"] = round(wait_in_sync(settings, len(kafka.nodes)), 2)
    report = audit_into(settings, figures)
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES
