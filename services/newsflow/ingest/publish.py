"""Publishing files and stdin: every article of the inputs to the raw topic through one
Sink, as `newsflow ingest PATH... | -` does.

Inputs that don't parse are reported (file and reason) and dead-lettered with their
original bytes; the rest are still published; blank JSONL lines are counted and reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from newsflow import metrics
from newsflow.config import Settings
from newsflow.ingest.files import Rejected, read_articles
from newsflow.ingest.sink import Sink

# When the input pauses this long, what was sent is awaited and reported.
IDLE_FLUSH_SECONDS = 0.5
# At most this many articles wait for their acknowledgement: memory stays bounded on an
# endless stream.
FLUSH_EVERY = 1000


async def publish(settings: Settings, paths: list[str], dry_run: bool = False,
                  acknowledged: Callable[[list[str]], None] = lambda ids: None,
                  blank: Callable[[str], None] = lambda where: None,
                  refused: Callable[[Rejected], None] = lambda item: None,
                  ) -> tuple[int, int]:
    """Publish every article; return (number published, number rejected). Each rejected
    input is passed to ``refused`` as it is dead-lettered; each blank JSONL line is
    counted (newsflow_ingest_blank_lines_total) and passed to ``blank``.

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
                refused(item)
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
