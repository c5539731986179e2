"""The controller quorum losing a voter: kill -9 the active controller (a broker too: the
nodes are combined) and leave it down. The two voters left elect a new controller, still
take metadata changes (new topics), and the stream goes on on two brokers; the audit is
clean with the voter still gone, and again once it is back."""

from __future__ import annotations

import asyncio
import time

from newsflow.kafka.admin import create_topics
from tests.faults.cluster.replicas import wait_in_sync
from tests.faults.stream import ProgressWatch, Stream, article, audit_into, progress, wait_caught_up, wait_progress

ARTICLES = 3000


def test_the_quorum_losing_its_active_controller(kafka, settings, workers, figures):
    workers.start("w1")
    stream = Stream(settings, [article(i) for i in range(ARTICLES)], rate=200)
    stream.start()
    while progress(settings)[0] < ARTICLES // 4:
        time.sleep(0.2)
    controller = figures["killed_controller"] = kafka.quorum_leader()
    watch = ProgressWatch(settings)
    watch.start()
    before, _ = progress(settings)
    killed = time.monotonic()
    kafka.node(controller).kill()
    while kafka.quorum_leader() in (None, controller):
        assert time.monotonic() - killed < 60, "no new controller elected"
        time.sleep(0.2)
    figures["new_controller"] = kafka.quorum_leader()
    figures["election_seconds"] = round(time.monotonic() - killed, 2)
    wait_progress(settings, before)
    figures["recovery_seconds"] = round(time.monotonic() - killed, 2)
    created = asyncio.run(create_topics(settings.override(topic_prefix=f"{settings.topic_prefix}during.")))
    assert created, "the quorum of two took no new topic"
    stream.finish()
    figures["producer_chunks_resent"] = stream.resent
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    figures["longest_stall_seconds"] = watch.longest_stall()
    report = audit_into(settings, figures)  # the voter still down
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES
    back = time.monotonic()
    kafka.node(controller).start()
    figures["rejoined_in_sync_seconds"] = round(
        wait_in_sync(settings, len(kafka.nodes)) + time.monotonic() - back, 2)
    assert audit_into(settings, {}).ok
