"""The worker's read-process-write loop with its own Kafka transactions (exactly-once).

faust-streaming's ``processing_guarantee="exactly_once"`` has open reports of duplicates
after a killed worker (#517), crashes and duplicates on rebalance (#323), sends outside
the transaction (#177) and crashes at start-up (#440), so this loop drives aiokafka
directly: read a batch (read_committed), enrich it in a worker thread, then publish its
messages, its dedupe markers and its consumer offsets in one transaction. A batch is
either wholly visible downstream with its offsets committed, or not at all.

* Transactional id ``<app_id>.<worker_id>`` (NEWSFLOW_WORKER_ID, default the hostname):
  a worker restarted under the same id fences its dead predecessor and aborts its open
  transaction at once; two *live* workers must not share an id (they would fence each
  other in turn). A worker that is gone for good leaves a transaction that the broker
  aborts after NEWSFLOW_TRANSACTION_TIMEOUT_MS.
* Rebalances: the revoke waits for the in-flight batch to commit; an assignment first
  restores the dedupe state of the new partitions (worker.dedupe), which also skips
  records a stale committed offset would deliver again.
* Transient failures abort the batch, rewind to its first offsets, and retry after an
  exponential backoff (capped); the loop never gives up, so nothing is dropped.
* NEWSFLOW_GUARANTEE=at_least_once: plain sends, then the dedupe markers, then a consumer
  commit; a crash in between may publish a batch twice (same keys downstream).

`newsflow worker` (worker.app) runs this loop beside its faust app.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import ProducerFenced

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.enrich import Enricher
from newsflow.kafka.clients import MAX_REQUEST_BYTES, client_options
from newsflow.kafka.fenced_commit import FencedProducer
from newsflow.topics.registry import RAW, SEEN
from newsflow.worker.dedupe import SeenStore, Triage
from newsflow.worker.pipeline import Incoming, Outgoing, process_batch

log = logging.getLogger(__name__)
GUARANTEES = ("exactly_once", "at_least_once")
MAX_BACKOFF_SECONDS = 10.0
CLOSE_SECONDS = 10.0  # per client, when shutting down


def transactional_id(settings: Settings) -> str:
    return f"{settings.app_id}.{settings.worker_id or socket.gethostname()}"


class TransactionalProcessor:
    """Consumes the raw topic and publishes downstream, one transaction per batch."""

    def __init__(self, settings: Settings, enricher: Enricher, stop: asyncio.Event | None = None):
        if settings.guarantee not in GUARANTEES:
            raise SystemExit(f"NEWSFLOW_GUARANTEE={settings.guarantee!r}: use one of {GUARANTEES}")
        self.settings = settings
        self.enricher = enricher
        self.stop_event = stop or asyncio.Event()
        self.exactly_once = settings.guarantee == "exactly_once"
        self.seen = SeenStore(settings, skip_duplicates=settings.dedupe)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="enrich")
        self._lock = asyncio.Lock()  # held by a batch in flight and by rebalance callbacks
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._owned: set[TopicPartition] = set()  # assigned and restored
        self._restoring = False
        self._stale = False  # the last transaction may or may not have committed
        self._failures = 0

    @property
    def ready(self) -> bool:
        """Owns raw partitions and has restored their state (for /readyz)."""
        return bool(self._owned) and not self._restoring

    def assignment(self) -> set[TopicPartition]:
        """The raw partitions this worker owns now."""
        return set(self._owned)

    def highwater(self, tp: TopicPartition) -> int | None:
        return self._consumer.highwater(tp) if self._consumer is not None else None

    def stop(self) -> None:
        """Finish (or abort) the batch in flight, then return from run()."""
        self.stop_event.set()

    async def run(self) -> None:
        """Consume until stopped; transient failures are retried, never fatal."""
        log.info("worker loop starting: %s, transactional id %s, dedupe %s",
                 self.settings.guarantee, transactional_id(self.settings), self.settings.dedupe)
        try:
            while not self.stop_event.is_set():
                try:
                    await self._ensure_clients()
                    await self._consume()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - retried below, never fatal
                    await self._recover(exc)
        finally:
            await self._close()
            self._executor.shutdown(wait=False, cancel_futures=True)
            log.info("worker loop stopped")

    async def _ensure_clients(self) -> None:
        if self._producer is None:
            # With a transactional id, starting fences the predecessor and ends its transaction.
            self._producer = await _started(self._new_producer())
        if self._stale and self._consumer is not None:
            async with self._lock:
                partitions = {tp.partition for tp in self._consumer.assignment()}
                await self.seen.restore(partitions, self.stop_event)
        self._stale = False
        if self._consumer is None:
            consumer = await _started(self._new_consumer())
            self._owned = set()
            consumer.subscribe([RAW.name(self.settings.topic_prefix)], listener=_Rebalance(self))
            self._consumer = consumer

    def _new_producer(self) -> AIOKafkaProducer:
        transactional = {"transactional_id": transactional_id(self.settings),
                         "transaction_timeout_ms": self.settings.transaction_timeout_ms}
        return FencedProducer(
            **client_options(self.settings),
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            max_request_size=MAX_REQUEST_BYTES,
            **(transactional if self.exactly_once else {}),
        )

    def _new_consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            **client_options(self.settings),
            group_id=self.settings.app_id,
            isolation_level="read_committed",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=MAX_REQUEST_BYTES,
            fetch_max_bytes=MAX_REQUEST_BYTES * 2,
        )

    async def _consume(self) -> None:
        while not self.stop_event.is_set():
            fetched = await self._consumer.getmany(
                max_records=self.settings.batch_size,
                timeout_ms=int(self.settings.batch_seconds * 1000),
            )
            async with self._lock:
                # A rebalance may have run since the fetch: keep what is still ours.
                fetched = {tp: batch for tp, batch in fetched.items() if tp in self._owned}
                if fetched and not self.stop_event.is_set():
                    await self._process(fetched)
            self._failures = 0

    async def _process(self, fetched: dict[TopicPartition, list]) -> None:
        started = time.monotonic()
        records = [
            Incoming(record.value or b"", tp.topic, tp.partition, record.offset,
                     record.timestamp / 1000 if record.timestamp else None)
            for tp, batch in fetched.items() for record in batch
        ]
        metrics.ARTICLES_CONSUMED.inc(len(records))
        metrics.BATCH_SIZE.observe(len(records))
        batch = self.seen.triage(records)
        out: list[Outgoing] = []
        if batch.fresh:
            loop = asyncio.get_running_loop()
            out = await loop.run_in_executor(
                self._executor, process_batch, self.enricher, batch.fresh, self.settings.max_bytes
            )
        offsets = {tp: batch_records[-1].offset + 1 for tp, batch_records in fetched.items()}
        commit = self._commit_transaction if self.exactly_once else self._commit_at_least_once
        try:
            # Past the transaction timeout the broker aborts it anyway: give up sooner.
            await asyncio.wait_for(commit(out, batch, offsets),
                                   self.settings.transaction_timeout_ms / 1000)
        except BaseException:
            owned = self._consumer.assignment()
            for tp, batch_records in fetched.items():  # redo the batch from its start
                if tp in owned:
                    self._consumer.seek(tp, batch_records[0].offset)
            raise
        self.seen.committed(batch)
        metrics.TRANSACTIONS.labels("committed").inc()
        metrics.DUPLICATES_SKIPPED.labels("article").inc(batch.duplicates)
        metrics.DUPLICATES_SKIPPED.labels("redelivery").inc(batch.redelivered)
        for message in out:
            metrics.count_published(message)
            if message.reason is not None:
                _log_dead_letter(message)
        now = time.time()
        for record in batch.fresh:
            if record.timestamp:
                metrics.END_TO_END_SECONDS.observe(max(0.0, now - record.timestamp))
        metrics.BATCH_SECONDS.observe(time.monotonic() - started)

    async def _send_outputs(self, out: list[Outgoing]) -> list[asyncio.Future]:
        prefix = self.settings.topic_prefix
        return [
            await self._producer.send(
                m.topic.name(prefix), m.value,
                key=m.key.encode() if m.key is not None else None,
                timestamp_ms=round(m.timestamp * 1000) if m.timestamp is not None else None)
            for m in out
        ]

    async def _send_markers(self, batch: Triage) -> list[asyncio.Future]:
        topic = SEEN.name(self.settings.topic_prefix)
        return [await self._producer.send(topic, m.value, key=m.key, partition=m.partition)
                for m in batch.markers]

    async def _commit_transaction(self, out, batch: Triage, offsets) -> None:
        await self._producer.begin_transaction()
        pending = await self._send_outputs(out) + await self._send_markers(batch)
        await asyncio.gather(*pending)
        await self._producer.send_offsets_to_transaction(offsets, self.settings.app_id, self._consumer)
        await self._producer.commit_transaction()

    async def _commit_at_least_once(self, out, batch: Triage, offsets) -> None:
        """Outputs acknowledged, then the markers, then the offsets: a crash in between
        repeats the outputs (at least once) but never loses them."""
        await asyncio.gather(*await self._send_outputs(out))
        await asyncio.gather(*await self._send_markers(batch))
        await self._consumer.commit(offsets)

    async def _recover(self, exc: Exception) -> None:
        """Abort what is open, drop the clients that may be broken, back off."""
        self._failures += 1
        fenced = isinstance(exc, ProducerFenced)
        metrics.TRANSACTIONS.labels("fenced" if fenced else "aborted").inc()
        metrics.RETRIES.labels("batch").inc()
        log.warning("batch failed (%s: %s); retry %d after backoff%s", type(exc).__name__, exc,
                    self._failures, " - another live worker uses this worker id?" if fenced else "")
        if self._producer is not None:
            if self.exactly_once and not fenced:
                aborted = await _quietly(self._producer.abort_transaction())
            else:
                aborted = not fenced
            if not aborted:  # a new producer completes or aborts what is open when it starts;
                await _quietly(self._producer.stop())  # whether it committed, only the seen
                self._producer = None  # topic knows: restore again before going on
                self._stale = True
        if self._failures >= 3 and self._consumer is not None:
            metrics.RETRIES.labels("clients").inc()
            await self._close()
        delay = min(MAX_BACKOFF_SECONDS, 0.25 * 2 ** self._failures)
        try:
            await asyncio.wait_for(self.stop_event.wait(), delay)
        except asyncio.TimeoutError:
            pass

    async def _close(self) -> None:
        consumer, self._consumer = self._consumer, None
        producer, self._producer = self._producer, None
        self._owned = set()
        if consumer is not None:
            await _quietly(consumer.stop())  # leaves the group: the others rebalance at once
        if producer is not None:
            await _quietly(producer.stop())
        metrics.ASSIGNED_PARTITIONS.set(0)


class _Rebalance(ConsumerRebalanceListener):
    """Nothing in flight across a rebalance; new partitions restore their dedupe state."""

    def __init__(self, processor: TransactionalProcessor):
        self.processor = processor

    async def on_partitions_revoked(self, revoked):
        async with self.processor._lock:
            self.processor._owned -= set(revoked)
            self.processor.seen.forget({tp.partition for tp in revoked})
            log.info("partitions revoked: %s", sorted(tp.partition for tp in revoked))

    async def on_partitions_assigned(self, assigned):
        processor = self.processor
        async with processor._lock:
            processor._restoring = True
            try:
                await processor.seen.restore({tp.partition for tp in assigned}, processor.stop_event)
                processor._owned = set(assigned)
            finally:
                processor._restoring = False
        metrics.ASSIGNED_PARTITIONS.set(len(assigned))
        log.info("partitions assigned: %s", sorted(tp.partition for tp in assigned))


def _log_dead_letter(message: Outgoing) -> None:
    letter = orjson.loads(message.value)
    log.warning("dead-lettered: %s", letter["detail"], extra={
        "reason": letter["reason"], "article_id": letter["article_id"], **letter["source"]})


async def _started(client):
    """``client`` started, or stopped again and the error raised."""
    try:
        await client.start()
    except BaseException:
        await _quietly(client.stop())
        raise
    return client


async def _quietly(awaitable) -> bool:
    """Await with a time limit, logging instead of raising: True if it succeeded."""
    try:
        await asyncio.wait_for(awaitable, CLOSE_SECONDS)
        return True
    except Exception as exc:  # noqa: BLE001 - best effort on the way out or to recover
        log.warning("ignored while recovering: %s: %s", type(exc).__name__, exc)
        return False
