"""Following feeds: every feed polled each interval, side by side, and its new items
published through the one Sink; what was published is remembered (feeds.memory) only
once the broker has it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from newsflow import metrics
from newsflow.config import Settings
from newsflow.errors import ConfigError
from newsflow.ingest.feeds.fetcher import Fetcher, Limits
from newsflow.ingest.feeds.memory import FeedMemory
from newsflow.ingest.feeds.policy import AllowList
from newsflow.ingest.feeds.poll import poll
from newsflow.ingest.sink import Sink
from newsflow.logs import console


async def feed_polls(settings: Settings, feeds: list[str], interval: float,
                     dry_run: bool = False, limits: Limits | None = None
                     ) -> AsyncIterator[list[str]]:
    """Poll the feeds every ``interval`` seconds and publish their new items; yields the ids
    each poll published, for as long as the caller iterates. Items are marked seen only
    once the broker has them, so a crash between the two republishes (same id) rather than
    loses an item; a dry run marks nothing. The feeds are polled side by side and each
    poll is bounded (feeds.py): one failing or slow feed holds back nobody else's items.
    ``limits`` default to Limits with the deadlines of ``settings``."""
    limits = limits or Limits(deadline=settings.fetch_deadline_seconds,
                              poll_deadline=settings.poll_deadline_seconds)
    try:
        allow = AllowList.parse(settings.fetch_allow)
    except ValueError as exc:
        raise ConfigError(f"NEWSFLOW_FETCH_ALLOW={settings.fetch_allow!r}: {exc}") from None
    store = FeedMemory(settings.data_dir)
    fetcher = Fetcher(limits, allow)
    try:
        async with Sink(settings, dry_run) as sink:
            while True:
                polls = await asyncio.gather(
                    *(poll(fetcher, store, url, settings.max_bytes) for url in feeds))
                published: list[str] = []
                for result in polls:
                    for item in result.items:
                        await sink.article(item.article)
                    await sink.flush()
                    for item in result.items:
                        published.append(item.article.id)
                        metrics.FEED_ITEMS_PUBLISHED.labels(
                            result.feed, item.article.extraction).inc()
                        metrics.INGESTED.labels("published").inc()
                        if not dry_run:
                            store.mark(item.key, item.updated)
                    if not dry_run:
                        store.remember(result.feed_url, result.etag, result.modified)
                    console.info(result.summary())
                yield published
                await asyncio.sleep(interval)
    finally:
        await fetcher.close()
        store.close()
