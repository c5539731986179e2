"""Re-enriching a range of the raw topic with the running rules and model, dedupe on.

Each parseable raw record of the range (by record time or by offsets, in the partitions
chosen) is sent
to the raw topic again, marked ``replay: <rules version>``. The worker's dedupe takes an
article marked for a version it has not enriched it with as a change (the marker is part
of its fingerprint), so it is enriched again and published as a new revision carrying
``rules`` and ``model``, through the worker's transactional loop: exactly once. Sending
the same article again for the same version is a re-send the worker skips, which makes
the replay safe to interrupt (even by SIGKILL) and run again: the worker's dedupe state,
in Kafka, is the progress, so what was already replayed produces nothing, and records of
the range already marked for this version (an earlier run's own) are not sent again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from aiokafka import TopicPartition

from newsflow.config import Settings
from newsflow.core.article import BadArticle
from newsflow.core.parse import from_message
from newsflow.errors import UsageError
from newsflow.ingest.sink import Sink
from newsflow.kafka.admin import describe
from newsflow.kafka.clients import consumer, started
from newsflow.topics.registry import RAW

POLL_MS = 500
BATCH_RECORDS = 50  # records read (and held) per round; progress is shown after each


@dataclass(frozen=True)
class TimeSpan:
    """Records whose time is in [start, end) (Unix seconds)."""
    start: float
    end: float

    async def bounds(self, reader, chosen: list[TopicPartition], ends: dict) -> dict:
        firsts = await reader.offsets_for_times({tp: int(self.start * 1000) for tp in chosen})
        lasts = await reader.offsets_for_times({tp: int(self.end * 1000) for tp in chosen})
        return {tp: (firsts[tp].offset if firsts[tp] else ends[tp],
                     lasts[tp].offset if lasts[tp] else ends[tp]) for tp in chosen}


@dataclass(frozen=True)
class OffsetSpan:
    """Records at offsets [first, stop) of each chosen partition (cut to what it holds)."""
    first: int
    stop: int

    async def bounds(self, reader, chosen: list[TopicPartition], ends: dict) -> dict:
        begins = await reader.beginning_offsets(chosen)
        return {tp: (max(self.first, begins[tp]), min(self.stop, ends[tp])) for tp in chosen}


async def replay(settings: Settings, rules: str, span: TimeSpan | OffsetSpan,
                 partitions: set[int] | None = None,
                 progress: Callable[[int, int], None] = lambda sent, read: None) -> tuple[int, int]:
    """Send the raw records of ``span`` again for ``rules``; (articles sent, records
    read). The range's end is fixed when it starts: what arrives meanwhile, the replay's
    own records included, is not in it."""
    topic = RAW.name(settings.topic_prefix)
    reader = await started(consumer(settings), settings)
    sent = read = 0
    try:
        [raw] = [state for state in await describe(settings) if state.name == topic]
        if not raw.found:
            raise UsageError(f"no topic {topic}: nothing to replay")
        chosen = [TopicPartition(topic, p) for p in range(raw.found["partitions"])
                  if partitions is None or p in partitions]
        if not chosen:
            return 0, 0
        reader.assign(chosen)
        bounds = await span.bounds(reader, chosen, await reader.end_offsets(chosen))
        stops = {tp: stop for tp, (_, stop) in bounds.items()}
        pending = set()
        for tp, (first, stop) in bounds.items():
            if first < stop:
                reader.seek(tp, first)
                pending.add(tp)
        async with Sink(settings) as sink:
            while pending:
                batch = await reader.getmany(*pending, timeout_ms=POLL_MS,
                                             max_records=BATCH_RECORDS)
                for tp, records in batch.items():
                    for record in records:
                        if record.offset >= stops[tp]:
                            pending.discard(tp)
                            break
                        read += 1
                        try:
                            article = from_message(record.value or b"", settings.max_bytes)
                        except BadArticle:
                            continue  # dead-lettered the first time; it stays so
                        if article.replay == rules:
                            continue  # an earlier run's own record: sent already
                        await sink.article(replace(article, replay=rules))
                        sent += 1
                for tp in list(pending):
                    if await reader.position(tp) >= stops[tp]:
                        pending.discard(tp)
                await sink.flush()
                progress(sent, read)
    finally:
        await reader.stop()
    return sent, read


def range_seconds(text: str, end: bool = False) -> float:
    """Unix seconds of an ISO date or time (UTC unless it says); a date given as the end
    of a range includes that whole day."""
    when = dt.datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    day_only = len(text) == 10
    return when.timestamp() + (86_400 if end and day_only else 0)
