"""Prometheus metrics of every newsflow service (names follow Prometheus conventions)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from newsflow.core.article import BadArticle
from newsflow.topics.registry import DEAD_LETTER, RAW, TOPICS

ARTICLES_CONSUMED = Counter(
    "newsflow_articles_consumed_total", "Raw-topic messages the worker has read"
)
ARTICLES_ENRICHED = Counter(
    "newsflow_articles_enriched_total", "Articles enriched and published downstream"
)
ARTICLES_BY_LANGUAGE = Counter(
    "newsflow_articles_enriched_by_language_total",
    "Articles enriched, by detected language (only English ones get entities and cued quotes)",
    ["language"],
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
BLANK_LINES = Counter(
    "newsflow_ingest_blank_lines_total",
    "Blank lines skipped in JSONL input (files, stdin, HTTP batches)",
)
TRANSACTION_OUTCOMES = ("committed", "aborted", "fenced")
TRANSACTIONS = Counter(
    "newsflow_transactions_total",
    "Worker batches by how their transaction (or at-least-once commit) ended",
    ["outcome"],  # TRANSACTION_OUTCOMES
)
RETRY_KINDS = ("batch", "restore", "clients", "stories")
RETRIES = Counter(
    "newsflow_retries_total",
    "Transient failures the worker retried after a backoff, by what failed",
    ["kind"],  # RETRY_KINDS
)
DUPLICATE_KINDS = ("article", "redelivery")
DUPLICATES_SKIPPED = Counter(
    "newsflow_duplicates_skipped_total",
    "Raw records not processed again: an article already seen, or a redelivered record",
    ["kind"],  # DUPLICATE_KINDS
)
STORIES_TRACKED = Gauge(
    "newsflow_stories_tracked", "Stories in this worker's story index (read from the stories topic)"
)
STORY_COPIES = Counter(
    "newsflow_story_copies_total", "Articles this worker found to be a copy of a story already seen"
)
REVISIONS = Counter(
    "newsflow_revisions_total",
    "Articles enriched again because their title or body changed under the same id (corrections)",
)
EVENT_TIME_FALLBACKS = ("future", "too_old")
EVENT_TIME_FALLBACK = Counter(
    "newsflow_event_time_fallbacks_total",
    "Articles whose publish date was out of bounds, so their event time is the ingest time",
    ["reason"],  # EVENT_TIME_FALLBACKS
)
TRENDING_LATE = Counter(
    "newsflow_trending_late_total",
    "Entity messages not counted in trending: their event time is older than the retention "
    "before the latest event",
)
DEDUPE_RESTORE_SECONDS = Histogram(
    "newsflow_dedupe_restore_seconds",
    "Time to restore the dedupe state of newly assigned partitions",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64),
)
ASSIGNED_PARTITIONS = Gauge(
    "newsflow_assigned_partitions", "Raw-topic partitions this worker currently owns"
)
ENRICH_PROCESS_STARTS = Counter(
    "newsflow_enrich_process_starts_total",
    "Enrichment processes started: the first, and one after each that was killed or recycled",
)
ENRICH_PROCESS_RESIDENT = Gauge(
    "newsflow_enrich_process_resident_bytes", "Resident memory of the enrichment process"
)
ENRICHMENT_REUSED = Counter(
    "newsflow_enrichment_reused_total",
    "Articles given the cached enrichment of an identical copy instead of the NLP (worker/reuse.py)",
)
ENRICH_ABORTED_REASONS = ("enrichment_timeout", "enrichment_memory", "enrichment_failed")
ENRICH_ABORTED = Counter(
    "newsflow_enrich_requests_aborted_total",
    "Enrichment requests stopped by their budget (or a dead process), by reason",
    ["reason"],  # ENRICH_ABORTED_REASONS
)
BATCHES_CUT = Counter(
    "newsflow_batches_cut_total",
    "Batches committed in part at their deadline or at shutdown (the rest is fetched again)",
)


def start_worker_series() -> None:
    """Export every labelled worker series at 0 from the start: a series born at its first
    increment hides that first increase from rate() and increase()."""
    for topic in TOPICS:
        MESSAGES_PRODUCED.labels(topic.role)
    for reason in BadArticle.REASONS:
        DEAD_LETTERS.labels(reason, "worker")
    for outcome in TRANSACTION_OUTCOMES:
        TRANSACTIONS.labels(outcome)
    for kind in RETRY_KINDS:
        RETRIES.labels(kind)
    for kind in DUPLICATE_KINDS:
        DUPLICATES_SKIPPED.labels(kind)
    for reason in ENRICH_ABORTED_REASONS:
        ENRICH_ABORTED.labels(reason)
    for reason in EVENT_TIME_FALLBACKS:
        EVENT_TIME_FALLBACK.labels(reason)


def count_published(message) -> None:
    """Count one published pipeline.Outgoing (shared by every worker loop)."""
    MESSAGES_PRODUCED.labels(message.topic.role).inc()
    if message.reason is not None:
        DEAD_LETTERS.labels(message.reason, "worker").inc()
    elif message.topic.role == "enriched":
        ARTICLES_ENRICHED.inc()
        ARTICLES_BY_LANGUAGE.labels(message.language or "unknown").inc()
    elif message.topic.role == "quotes":
        QUOTES_EMITTED.inc()
    elif message.topic.role == "entities":
        ENTITIES_EMITTED.inc()


# Feed ingestion (newsflow ingest --feed). ``feed`` is the host of a feed the operator
# configured (ingest.feeds.poll.feed_label), never an item's URL: as many values as feeds.
FEED_ITEMS_SEEN = Counter("newsflow_feed_items_seen_total", "Feed items read from polled feeds",
                          ["feed"])
FEED_ITEMS_PUBLISHED = Counter(
    "newsflow_feed_items_published_total", "Feed items published, by where the text came from",
    ["feed", "extraction"],  # extraction: page, feed-summary
)
FEED_DUPLICATES = Counter(
    "newsflow_feed_items_duplicate_total", "Feed items skipped: already published, unchanged",
    ["feed"],
)
FEED_FETCH_ERRORS = Counter(
    "newsflow_feed_fetch_errors_total", "Fetches that failed for good, by kind",
    # status, timeout, connection, dns, too_large, decoding, redirects, robots, refused
    # (fetch policy), bad_url, malformed, unreadable, no_text, deadline (of a poll),
    # unexpected (a defect of ours: one item or feed skipped)
    ["feed", "kind"],
)
FEED_FETCH_SECONDS = Histogram(
    "newsflow_feed_fetch_seconds", "Time of one HTTP fetch, by what was fetched",
    ["feed", "kind"],  # kind: feed, page, robots
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
FEED_POLL_SECONDS = Histogram(
    "newsflow_feed_poll_seconds", "Time of one poll of a feed, its pages included",
    ["feed"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)


def start_ingest_series() -> None:
    """Export the producer's labelled series at 0 from the start (see start_worker_series)."""
    for topic in (RAW, DEAD_LETTER):
        MESSAGES_PRODUCED.labels(topic.role)
    for reason in BadArticle.REASONS:
        DEAD_LETTERS.labels(reason, "ingest")
    for outcome in ("published", "rejected"):
        INGESTED.labels(outcome)


def start_feed_series(feed: str) -> None:
    """Export a configured feed's series at 0 from its first poll."""
    FEED_ITEMS_SEEN.labels(feed)
    FEED_DUPLICATES.labels(feed)
    FEED_POLL_SECONDS.labels(feed)
    for extraction in ("page", "feed-summary"):
        FEED_ITEMS_PUBLISHED.labels(feed, extraction)


# serve-ingest, the HTTP door
HTTP_INGEST_REQUESTS = Counter(
    "newsflow_http_ingest_requests_total", "POST /articles requests, by HTTP status", ["status"]
)
HTTP_INGEST_AUTH_FAILURES = Counter(
    "newsflow_http_ingest_auth_failures_total", "Requests refused 401, by why",
    ["reason"],  # missing, invalid
)
HTTP_INGEST_TRANSACTIONS = Counter(
    "newsflow_http_ingest_transactions_total",
    "serve-ingest transactions (each a group of requests), by how they ended",
    ["outcome"],  # committed, aborted
)
HTTP_INGEST_CONNECTIONS = Gauge(
    "newsflow_http_ingest_connections", "Connections serve-ingest holds open now"
)
HTTP_INGEST_CONNECTIONS_REFUSED = Counter(
    "newsflow_http_ingest_connections_refused_total",
    "Connections answered 503 and closed at once: the connection cap was reached",
)
HTTP_INGEST_BUFFERED_BYTES = Gauge(
    "newsflow_http_ingest_buffered_bytes", "Request body bytes serve-ingest holds in memory now"
)


# The archive (newsflow archive)
ARCHIVE_ROWS_WRITTEN = Counter(
    "newsflow_archive_rows_written_total", "Rows the archive sink committed, by table", ["table"]
)
ARCHIVE_BATCH_OUTCOMES = ("committed", "fenced", "failed")
ARCHIVE_BATCHES = Counter(
    "newsflow_archive_batches_total",
    "Archive sink batches by how their transaction ended (fenced: another sink owns the "
    "partition; failed: a database error, retried)", ["outcome"],
)
ARCHIVE_COMMIT_SECONDS = Histogram(
    "newsflow_archive_commit_seconds", "Time to write and commit one archive batch",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8),
)
ARCHIVE_REJECTED = Counter(
    "newsflow_archive_rejected_total",
    "Messages the archive skipped as invalid (kept in its table `rejected`), by topic and reason",
    ["topic", "reason"],
)
ARCHIVE_LAG = Gauge(
    "newsflow_archive_lag_messages",
    "Archived topic partition's high watermark minus the archive's stored offset",
    ["topic", "partition"],
)
ARCHIVE_TABLE_ROWS = Gauge("newsflow_archive_rows", "Rows in the archive, by table", ["table"])
ARCHIVE_SIZE = Gauge("newsflow_archive_size_bytes", "Size of the archive database")
ARCHIVE_PURGED = Counter(
    "newsflow_archive_purged_rows_total", "Rows deleted by the archive's retention, by table",
    ["table"],
)

# The web console (docs/console.md)
CONSOLE_CLIENTS = Gauge("newsflow_console_clients", "Pages connected to the console's live events")
CONSOLE_CLIENTS_DROPPED = Counter(
    "newsflow_console_clients_dropped_total",
    "Pages disconnected because they read the live events slower than they came (they reconnect)",
)
CONSOLE_EVENTS = Counter("newsflow_console_events_total", "Live events sent out to the connected pages")
CONSOLE_FEED_ERRORS = Counter(
    "newsflow_console_feed_errors_total",
    "Times the console's live consumer failed and was restarted (broker down, topics missing)",
)
CONSOLE_DELAY = Histogram(
    "newsflow_console_delay_seconds",
    "From an enriched record's timestamp to its event leaving the console",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)
CONSOLE_REPLAYS = Counter(
    "newsflow_console_replays_total", "Dead letters an operator replayed to the raw topic from the console"
)
