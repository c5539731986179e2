"""`newsflow ingest`: the producer. Articles from files, stdin or RSS/Atom feeds to the
raw topic (or, with --dry-run, to stdout as JSONL).

Inputs that don't parse are reported on stderr (file and reason) and dead-lettered with
their original bytes; the rest are still published; blank JSONL lines are counted and
reported. Idempotent producer, acks=all. Every line printed on stdout is one article id
(derived, hex) or, with --dry-run, one JSON message: nothing sent can break a line.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator

from aiokafka import AIOKafkaProducer

from newsflow import metrics
from newsflow.ingest.feeds.poll import poll
from newsflow.config import Settings
from newsflow.core.article import Article
from newsflow.kafka.clients import MAX_REQUEST_BYTES, client_options, start
from newsflow.ingest.feeds.policy import AllowList
from newsflow.ingest.feeds.fetcher import Fetcher, Limits
from newsflow.ingest.feeds.memory import SeenStore
from newsflow.ingest.files import Rejected, read_articles
from newsflow.topics import messages
from newsflow.topics.registry import DEAD_LETTER, RAW
from newsflow.worker.trending import parse_duration

# When the input pauses this long, what was sent is awaited and reported.
IDLE_FLUSH_SECONDS = 0.5
# At most this many articles wait for their acknowledgement: memory stays bounded on an
# endless stream.
FLUSH_EVERY = 1000


def producer(settings: Settings, linger_ms: int = 5, **transactional: object) -> AIOKafkaProducer:
    """The idempotent, acks=all producer of ingestion; ``transactional`` (transactional_id,
    transaction_timeout_ms) makes it transactional, as serve-ingest's is."""
    return AIOKafkaProducer(
        **client_options(settings),
        enable_idempotence=True,
        acks="all",
        linger_ms=linger_ms,
        max_request_size=MAX_REQUEST_BYTES,
        **transactional,
    )


class Sink:
    """Where ingested articles go: the raw topic (dead letters to theirs), or, for
    --dry-run, stdout as the JSONL that would be published."""

    def __init__(self, settings: Settings, dry_run: bool = False):
        self.raw_topic = RAW.name(settings.topic_prefix)
        self.dead_topic = DEAD_LETTER.name(settings.topic_prefix)
        self._settings = settings
        self._client = None if dry_run else producer(settings)
        self._pending: list[tuple[str | None, asyncio.Future]] = []  # (article id, ack)

    async def __aenter__(self) -> "Sink":
        if self._client is not None:
            await start(self._client, self._settings, "ingest")
        return self

    async def __aexit__(self, *exc) -> None:
        if self._client is not None:
            await self._client.stop()

    @property
    def unacknowledged(self) -> int:
        return len(self._pending)

    async def article(self, item: Article) -> None:
        """Send (or print) it; :meth:`flush` waits for the broker's acknowledgement."""
        value = messages.encode(messages.raw_article(item, time.time()))
        if self._client is None:
            sys.stdout.buffer.write(one_line(value) + b"\n")
            sys.stdout.flush()
            return
        self._pending.append((item.id, await self.send(item, value)))

    async def send(self, item: Article, value: bytes | None = None) -> asyncio.Future:
        """Send it to the raw topic; the future of its acknowledgement, for the caller to
        await (a server's concurrent requests each wait for their own)."""
        value = value or messages.encode(messages.raw_article(item, time.time()))
        return await self._client.send(self.raw_topic, value, key=item.id.encode())

    async def rejected(self, item: Rejected) -> None:
        print(f"newsflow ingest: {item.origin}: {item.error}", file=sys.stderr)
        if self._client is None:
            return
        letter = messages.dead_letter(
            reason=item.error.reason, detail=item.error.detail, payload=item.payload,
            stage="ingest", source={"origin": item.origin},
        )
        self._pending.append((None, await self._client.send(self.dead_topic, messages.encode(letter))))

    async def flush(self) -> list[str]:
        """Wait until everything sent so far is acknowledged (raises if a send failed); the
        ids of the articles among it."""
        pending, self._pending = self._pending, []
        await asyncio.gather(*(ack for _, ack in pending))
        return [article_id for article_id, _ in pending if article_id is not None]


def one_line(message: bytes) -> bytes:
    """A JSON message with the line separators JSON leaves raw in strings (U+2028, U+2029,
    U+0085: lines to str.splitlines and to some log tools) escaped, so it stays one line."""
    return (message.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
            .replace("\x85".encode(), b"\\u0085"))


async def publish(settings: Settings, paths: list[str], dry_run: bool = False,
                  acknowledged: Callable[[list[str]], None] = lambda ids: None,
                  blank: Callable[[str], None] = lambda where: None,
                  ) -> tuple[int, int]:
    """Publish every article; return (number published, number rejected). Each blank
    JSONL line is counted (newsflow_ingest_blank_lines_total) and passed to ``blank``.

    The input is read in a thread, so that sends go on while it waits: stdin may be fed
    by another program for as long as it likes (``tail -f wire.jsonl | newsflow ingest``).
    Whenever the input pauses, and every FLUSH_EVERY articles, what was sent is awaited
    and its ids passed to ``acknowledged``."""
    published = rejected = 0
    async with Sink(settings, dry_run) as sink:
        def skipped(where: str) -> None:
            metrics.BLANK_LINES.inc()
            blank(where)

        items = iter(read_articles(paths, settings.max_bytes, skipped))
        reading = _next_of(items)
        while True:
            done, _ = await asyncio.wait({reading}, timeout=IDLE_FLUSH_SECONDS)
            if not done or sink.unacknowledged >= FLUSH_EVERY:
                acknowledged(await sink.flush())
                if not done:
                    continue
            item = reading.result()
            if item is None:
                break
            reading = _next_of(items)
            if isinstance(item, Rejected):
                rejected += 1
                metrics.INGESTED.labels("rejected").inc()
                metrics.DEAD_LETTERS.labels(item.error.reason, "ingest").inc()
                await sink.rejected(item)
                continue
            await sink.article(item)
            published += 1
            metrics.INGESTED.labels("published").inc()
        acknowledged(await sink.flush())
    return published, rejected


def _next_of(items: Iterator) -> asyncio.Future:
    """The next item of ``items`` (None at the end), read in a worker thread."""
    return asyncio.ensure_future(asyncio.to_thread(next, items, None))


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
        raise SystemExit(f"NEWSFLOW_FETCH_ALLOW={settings.fetch_allow!r}: {exc}") from None
    store = SeenStore(settings.data_dir)
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
                        metrics.FEED_ITEMS_PUBLISHED.labels(item.article.extraction).inc()
                        metrics.INGESTED.labels("published").inc()
                        if not dry_run:
                            store.mark(item.key, item.updated)
                    if not dry_run:
                        store.remember(result.feed_url, result.etag, result.modified)
                yield published
                await asyncio.sleep(interval)
    finally:
        await fetcher.close()
        store.close()


class _BlankLines:
    """How many blank lines were skipped, and where the first was (for the summary)."""

    def __init__(self) -> None:
        self.count, self.first = 0, ""

    def __call__(self, where: str) -> None:
        self.count += 1
        self.first = self.first or where

    def __str__(self) -> str:
        return f"skipped {self.count} blank line(s)" + (f" (first: {self.first})" if self.count else "")


def run(settings: Settings, paths: list[str], dry_run: bool = False) -> int:
    blank = _BlankLines()
    published, rejected = asyncio.run(publish(settings, paths, dry_run, _print_ids, blank))
    print(
        f"newsflow ingest: {'would publish' if dry_run else 'published'} {published} "
        f"article(s) to {RAW.name(settings.topic_prefix)}, rejected {rejected}, {blank}",
        file=sys.stderr,
    )
    return 1 if rejected else 0


def _print_ids(article_ids: list[str]) -> None:
    for article_id in article_ids:
        print(article_id, flush=True)


async def _follow(settings: Settings, feeds: list[str], interval: float, once: bool,
                  dry_run: bool) -> int:
    total = 0
    async with contextlib.aclosing(feed_polls(settings, feeds, interval, dry_run)) as polls:
        async for published in polls:
            total += len(published)
            for article_id in [] if dry_run else published:
                print(article_id, flush=True)
            if once:
                break
    return total


def run_feeds(settings: Settings, feeds: list[str], interval: str, once: bool,
              dry_run: bool) -> int:
    try:
        total = asyncio.run(_follow(settings, feeds, parse_duration(interval), once, dry_run))
    except KeyboardInterrupt:
        return 0
    print(f"newsflow ingest: {'would publish' if dry_run else 'published'} {total} "
          f"feed article(s) to {RAW.name(settings.topic_prefix)}", file=sys.stderr)
    return 0
