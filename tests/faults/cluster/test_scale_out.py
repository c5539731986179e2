"""Scale-out on the cluster: four workers share a raw topic of 12 partitions; a fifth
joins and one of the four leaves (SIGTERM) mid-stream; nothing lost, nothing doubled,
and the throughput per worker is reported."""

from __future__ import annotations

import asyncio
import time

from newsflow.kafka.admin import create_topics
from tests.faults.stream import Stream, article, audit_into, progress, wait_caught_up

ARTICLES = 6000
PARTITIONS = 12
WORKERS = 4


def test_four_workers_on_twelve_partitions_one_joins_one_leaves(kafka, settings, workers, figures):
    scaled = workers.settings = settings.override(topic_prefix=f"{settings.topic_prefix}x12.",
                                                  partitions=PARTITIONS)
    asyncio.run(create_topics(scaled))
    pool = workers.start_many([f"w{n}" for n in range(WORKERS)])
    stream = Stream(scaled, [article(i) for i in range(ARTICLES)], rate=1000)  # faster than they enrich
    began = time.monotonic()
    stream.start()
    while progress(scaled)[0] < ARTICLES // 3:
        time.sleep(0.2)
    pool.append(workers.start("joiner"))
    figures["joined_at"] = progress(scaled)[0]
    while progress(scaled)[0] < 2 * ARTICLES // 3:
        time.sleep(0.2)
    leaver = pool[0]
    enriched = {leaver.settings.worker_id: _enriched(leaver)}
    figures["leaver_exit"] = leaver.stop(timeout=30)
    figures["left_at"] = progress(scaled)[0]
    stream.finish()
    figures["catch_up_seconds"] = round(wait_caught_up(scaled, timeout=300), 2)
    elapsed = time.monotonic() - began  # from the first record sent to the last committed
    enriched.update({w.settings.worker_id: _enriched(w) for w in pool[1:]})
    figures["enriched_by_worker"] = enriched
    figures["seconds"] = round(elapsed, 2)
    figures["articles_per_second"] = round(ARTICLES / elapsed, 1)
    figures["articles_per_second_per_worker"] = round(ARTICLES / elapsed / WORKERS, 1)
    report = audit_into(scaled, figures)
    assert figures["leaver_exit"] == 0
    assert all(w.process.poll() is None for w in pool[1:])
    assert all(n > 0 for n in enriched.values()), enriched  # every worker had its share
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES


def _enriched(worker) -> int:
    """The worker's newsflow_articles_enriched_total."""
    for line in worker.get("/metrics").decode().splitlines():
        if line.startswith("newsflow_articles_enriched_total "):
            return int(float(line.split()[1]))
    return 0
