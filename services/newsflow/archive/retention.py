"""Retention: rows of articles dated before now minus NEWSFLOW_ARCHIVE_RETENTION are
deleted (the sink does it hourly; `newsflow archive --purge` once). An article's date is
its publish date, else the day it was archived (schema.py, ``dated``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from newsflow import metrics
from newsflow.archive import database, schema
from newsflow.config import Settings, parse_duration
from newsflow.errors import ConfigError

# Every table with a ``dated`` column, and the mentions that go with the entities.
DATED = (schema.quotes, schema.entities, schema.articles, schema.article_versions, schema.heads,
         schema.stories)


def kept_seconds(settings: Settings) -> int:
    try:
        return parse_duration(settings.archive_retention)
    except ValueError as exc:
        raise ConfigError(f"NEWSFLOW_ARCHIVE_RETENTION: {exc}") from None


def purge(engine: sa.Engine, kept: int, today: dt.date | None = None) -> dict[str, int]:
    """Delete what is older than ``kept`` seconds (by whole days); rows deleted per table."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    cutoff = today - dt.timedelta(days=kept // 86400)
    deleted: dict[str, int] = {}
    with database.writer(engine).begin() as connection:
        old = sa.select(schema.entities.c.article_id).where(schema.entities.c.dated < cutoff)
        deleted["mentions"] = connection.execute(
            sa.delete(schema.mentions).where(schema.mentions.c.article_id.in_(old))).rowcount
        for table in DATED:
            deleted[table.name] = connection.execute(
                sa.delete(table).where(table.c.dated < cutoff)).rowcount
    for name, count in deleted.items():
        metrics.ARCHIVE_PURGED.labels(name).inc(count)
    return deleted
