"""Prometheus metrics of every newsflow service (names follow Prometheus conventions)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ARTICLES_CONSUMED = Counter(
    "newsflow_articles_consumed_total", "Raw-topic messages the worker has read"
)
ARTICLES_ENRICHED = Counter(
    "newsflow_articles_enriched_total", "Articles enriched and published downstream"
)
MESSAGES_PRODUCED = Counter(
    "newsflow_messages_produced_total", "Messages published, by topic", ["topic"]
)
QUOTES_EMITTED = Counter("newsflow_quotes_emitted_total", "Quote messages published")
ENTITIES_EMITTED = Counter("newsflow_entities_emitted_total", "Entity messages published")
DEAD_LETTERS = Counter(
    "newsflow_dead_letters_total", "Inputs dead-lettered, by reason and stage", ["reason", "stage"]
)
BATCH_SECONDS = Histogram(
    "newsflow_batch_processing_seconds",
    "Time to enrich and publish one batch of raw messages",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64),
)
END_TO_END_SECONDS = Histogram(
    "newsflow_end_to_end_latency_seconds",
    "Raw record timestamp to enriched article published, per article",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128),
)
BATCH_SIZE = Histogram(
    "newsflow_batch_size_messages", "Raw messages per processed batch",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)
CONSUMER_LAG = Gauge(
    "newsflow_consumer_lag_messages",
    "High watermark minus the group's committed offset, per assigned partition",
    ["topic", "partition"],
)
INGESTED = Counter(
    "newsflow_ingest_articles_total", "Articles the producer handled, by outcome", ["outcome"]
)
