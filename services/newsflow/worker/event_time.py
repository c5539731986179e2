"""When an article happened, for the records of its messages (what trending counts by):
its publish date when it has a believable one, else the time it was ingested.

Bounded: a publish date more than a day after ingestion (a wrong year, a time zone and
some clock skew allowed) or older than NEWSFLOW_EVENT_TIME_MAX_AGE before it is not
believed; the ingest time is used and the fallback counted
(``newsflow_event_time_fallbacks_total{reason}``).
"""

from __future__ import annotations

import datetime as dt

from newsflow import metrics

FUTURE_TOLERANCE_SECONDS = 86_400


def publish_seconds(published: str | None) -> float | None:
    """Unix seconds of an ISO date or time (a date: its midnight UTC; no zone: UTC)."""
    if not published:
        return None
    try:
        when = dt.datetime.fromisoformat(published)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp()


def event_time(published: str | None, ingested: float | None, max_age_seconds: int) -> float | None:
    """The publish time within bounds of ``ingested`` (seconds), else ``ingested``."""
    at = publish_seconds(published)
    if at is None or ingested is None:
        return ingested if at is None else at
    if at > ingested + FUTURE_TOLERANCE_SECONDS:
        metrics.EVENT_TIME_FALLBACK.labels("future").inc()
        return ingested
    if at < ingested - max_age_seconds:
        metrics.EVENT_TIME_FALLBACK.labels("too_old").inc()
        return ingested
    return at
