"""The pure core's speed: Enricher.enrich_batch over the corpus, in this process, batch by
batch as the worker calls it. No Kafka, no serialisation: the ceiling the pipeline is
compared to."""

from __future__ import annotations

import time

from newsflow.bench.corpus import words
from newsflow.core.article import Article
from newsflow.core.enrich import Enricher


def measure(enricher: Enricher, articles: list[Article]) -> dict:
    """Articles/s, words/s and articles per CPU-second (this process's CPU time: less
    sensitive to a shared machine). The first batch is run but not timed (warm-up), as
    the pipeline figures leave out each worker's first batch."""
    size = enricher.batch_size
    batches = [articles[i:i + size] for i in range(0, len(articles), size)]
    enricher.enrich_batch(batches[0])
    timed = [article for batch in batches[1:] for article in batch]
    started, cpu = time.perf_counter(), time.process_time()
    for batch in batches[1:]:
        enricher.enrich_batch(batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "core_articles_per_s": len(timed) / seconds,
        "core_words_per_s": words(timed) / seconds,
        "core_articles_per_cpu_s": len(timed) / cpu,
        "core_seconds": seconds,
        "core_articles_timed": len(timed),
    }
