"""The archive sink: a read_committed consumer in the archive's group over the archived
topics, each fetched batch written by store.Store in one database transaction.

Kafka never holds the sink's offsets: the database does, beside the rows. On assignment
the sink seeks each partition to the offset stored there (the earliest retained offset
for a partition never archived, so a new archive fills itself); when a batch is fenced
(another sink wrote the partition) or the database fails, the batch is rolled back and
the sink seeks back to what the database says, then goes on. Several sinks in one group
share the partitions against one PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiokafka import ConsumerRebalanceListener, TopicPartition
import sqlalchemy as sa

from newsflow import metrics
from newsflow.archive import observe, retention
from newsflow.archive.rows import ARCHIVED
from newsflow.archive.store import Fenced, Store
from newsflow.config import Settings
from newsflow.core.entities import aliases as alias_table
from newsflow.kafka.clients import consumer, started

log = logging.getLogger("newsflow.archive")

MEASURE_SECONDS = 30.0  # rows per table and size
PURGE_SECONDS = 3600.0  # retention, when set
RETRY_SECONDS = (0.5, 1, 2, 4, 8, 15)  # backoff after database errors


def topic_roles(settings: Settings) -> dict[str, str]:
    return {topic.name(settings.topic_prefix): topic.role for topic in ARCHIVED}


class Sink:
    def __init__(self, settings: Settings, engine: sa.Engine):
        self.settings = settings
        self.engine = engine
        self.store = Store(engine, topic_roles(settings), alias_table.load(settings.aliases or None))
        self.expected: dict[tuple[str, int], int | None] = {}  # what the database holds, ours
        self.unresumed: set[tuple[str, int]] = set()  # assigned, not yet sought (database down)
        self.writing = asyncio.Lock()  # a revocation waits for the batch being written
        self.consumer = None
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        self.consumer = await started(consumer(
            self.settings, group_id=self.settings.archive_group,
            max_poll_records=self.settings.archive_batch_size), self.settings)
        self.consumer.subscribe(list(topic_roles(self.settings)), listener=_Listener(self))
        background = [asyncio.create_task(self._every(MEASURE_SECONDS, observe.measure))]
        if self.settings.archive_retention:
            keep = retention.kept_seconds(self.settings)
            background.append(asyncio.create_task(self._every(
                PURGE_SECONDS, lambda engine: retention.purge(engine, keep))))
        failures = 0
        try:
            while not self.stopping.is_set():
                if self.unresumed and not await self._resumed(list(self.unresumed)):
                    pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                    failures += 1
                    await asyncio.sleep(pause)
                    continue
                batch = await self.consumer.getmany(timeout_ms=500)
                if batch:
                    failures = await self._archive(batch, failures)
                self._lag()
        finally:
            for task in background:
                task.cancel()
            await self.consumer.stop()

    async def _archive(self, batch: dict, failures: int) -> int:
        """Write one batch; the number of database failures in a row after it."""
        async with self.writing:
            # records of a partition no longer ours, or not sought to its stored offset
            # (the fetch position may be past what the database holds), are not written
            mine = {(tp.topic, tp.partition): records for tp, records in batch.items()
                    if (tp.topic, tp.partition) in self.expected
                    and (tp.topic, tp.partition) not in self.unresumed}
            if not mine:
                return failures
            started_at = time.perf_counter()
            try:
                written = await asyncio.to_thread(self.store.write, mine, dict(self.expected))
            except Fenced as exc:
                metrics.ARCHIVE_BATCHES.labels("fenced").inc()
                log.warning("batch rolled back: %s; resuming from the database", exc)
                await self._resumed(list(self.expected))
                return failures
            except sa.exc.SQLAlchemyError as exc:
                metrics.ARCHIVE_BATCHES.labels("failed").inc()
                pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                log.error("archive database error, retrying in %ss: %s", pause,
                          str(exc).splitlines()[0])
                await asyncio.sleep(pause)
                await self._resumed(list(self.expected))
                return failures + 1
        metrics.ARCHIVE_COMMIT_SECONDS.observe(time.perf_counter() - started_at)
        metrics.ARCHIVE_BATCHES.labels("committed").inc()
        for table, count in written.tables.items():
            metrics.ARCHIVE_ROWS_WRITTEN.labels(table).inc(count)
        for topic, reason in written.rejected:
            metrics.ARCHIVE_REJECTED.labels(topic, reason).inc()
            log.warning("rejected a message of %s: %s (kept in table rejected)", topic, reason)
        self.expected.update(written.next_offsets)
        return 0

    async def _resumed(self, partitions: list[tuple[str, int]]) -> bool:
        """_resume, or False (logged) when the database does not answer: the partitions
        stay unresumed and their records are not archived until it does."""
        self.unresumed.update(partitions)
        try:
            await self._resume(partitions)
        except sa.exc.SQLAlchemyError as exc:
            metrics.ARCHIVE_BATCHES.labels("failed").inc()
            log.error("cannot read the archive's offsets, retrying: %s", str(exc).splitlines()[0])
            return False
        return True

    async def _resume(self, partitions: list[tuple[str, int]]) -> None:
        """Seek ``partitions`` to the offsets the database holds (the beginning if none)."""
        stored = await asyncio.to_thread(self.store.positions, partitions)
        for (topic, number), offset in stored.items():
            tp = TopicPartition(topic, number)
            if offset is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, offset)
            self.expected[topic, number] = offset
            self.unresumed.discard((topic, number))
        log.info("archiving %s", ", ".join(f"{t}[{p}]@{o if o is not None else 'earliest'}"
                                          for (t, p), o in sorted(stored.items())) or "nothing")

    def _lag(self) -> None:
        for (topic, number), offset in self.expected.items():
            high = self.consumer.highwater(TopicPartition(topic, number))
            if high is not None:
                metrics.ARCHIVE_LAG.labels(topic, str(number)).set(max(0, high - (offset or 0)))

    async def _every(self, seconds: float, job) -> None:
        while True:
            try:
                await asyncio.to_thread(job, self.engine)
            except sa.exc.SQLAlchemyError as exc:
                log.warning("archive %s failed: %s", getattr(job, "__name__", "job"),
                            str(exc).splitlines()[0])
            await asyncio.sleep(seconds)


class _Listener(ConsumerRebalanceListener):
    def __init__(self, sink: Sink):
        self.sink = sink

    async def on_partitions_revoked(self, revoked) -> None:
        async with self.sink.writing:
            for tp in revoked:
                self.sink.expected.pop((tp.topic, tp.partition), None)
                self.sink.unresumed.discard((tp.topic, tp.partition))
                try:
                    metrics.ARCHIVE_LAG.remove(tp.topic, str(tp.partition))
                except KeyError:
                    pass

    async def on_partitions_assigned(self, assigned) -> None:
        await self.sink._resumed([(tp.topic, tp.partition) for tp in assigned])

