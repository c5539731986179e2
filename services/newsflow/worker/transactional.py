"""The worker's read-process-write loop with its own Kafka transactions (exactly-once).

faust-streaming's ``processing_guarantee="exactly_once"`` has open reports of duplicates
after a killed worker (#517), crashes and duplicates on rebalance (#323), sends outside
the transaction (#177) and crashes at start-up (#440), so this loop drives aiokafka
directly: read a batch (read_committed), enrich it in the enrichment process, then publish
its messages, its dedupe markers and its consumer offsets in one transaction. A batch is
either wholly visible downstream with its offsets committed, or not at all.

* Transactional id ``<app_id>.<worker_id>`` (NEWSFLOW_WORKER_ID, default the hostname):
  a worker restarted under the same id fences its dead predecessor and aborts its open
  transaction at once; two *live* workers must not share an id (they would fence each
  other in turn). A worker that is gone for good leaves a transaction that the broker
  aborts after NEWSFLOW_TRANSACTION_TIMEOUT_MS.
* A worker paused past its session timeout is fenced by its group generation: its offsets
  are refused and its transaction aborted (kafka.fenced_commit).
* Rebalances: the revoke waits for the in-flight batch to commit; an assignment first
  restores the dedupe state of the new partitions (worker.dedupe), which also skips
  records a stale committed offset would deliver again.
* Budgets: no article holds the loop (worker.enrichment); a batch cut short commits what
  is done and the rest is fetched again.
* Output: a message larger than its topic takes is never sent; its article is
  dead-lettered (output_too_large). A record the broker refuses all the same is
  dead-lettered on the retry: a failure that would recur is a dead letter, not a retry.
* Transient failures abort the batch, rewind to its first offsets, and retry after an
  exponential backoff (capped), reusing what was already enriched; the loop never gives
  up, so nothing is dropped.
* NEWSFLOW_GUARANTEE=at_least_once: plain sends, then the dedupe markers, then a consumer
  commit; a crash in between may publish a batch twice (same keys downstream).

`newsflow worker` (worker.app) runs this loop beside its faust app.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import (
    CorruptRecordException,
    MessageSizeTooLargeError,
    ProducerFenced,
    RecordListTooLargeError,
    RecordTooLargeError,
)

from newsflow import metrics
from newsflow.config import Settings
from newsflow.errors import ConfigError
from newsflow.core.article import BadArticle
from newsflow.kafka.admin import topic_limits
from newsflow.kafka.clients import consumer, diagnose, fenced_producer, started
from newsflow.kafka.fenced_commit import GroupFenced, member_of
from newsflow.topics.registry import RAW, SEEN
from newsflow.worker.dedupe import SeenStore, Triage
from newsflow.worker.enrich_process import Budget, EnrichProcess
from newsflow.worker.enrichment import BatchEnrichment, Enriched, key as _key
from newsflow.worker.pipeline import Incoming, Outgoing, dead_letter
from newsflow.worker.stories import StoryIndex
from newsflow.worker.story_feed import StoryFeed, with_stories

log = logging.getLogger(__name__)
GUARANTEES = ("exactly_once", "at_least_once")
MAX_BACKOFF_SECONDS = 10.0
CLOSE_SECONDS = 5.0  # per client, when shutting down
# The broker refuses these records whatever we retry: their article is dead-lettered.
REFUSED_RECORD_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError,
                         CorruptRecordException)


def transactional_id(settings: Settings) -> str:
    return f"{settings.app_id}.{settings.worker_id or socket.gethostname()}"


class _Refused(Exception):
    """The broker refused one record's message: that record is dead-lettered next time."""

    def __init__(self, key: tuple[int, int], error: Exception):
        super().__init__(f"{type(error).__name__}: {error} (partition {key[0]}, offset {key[1]})")
        self.key = key


class TransactionalProcessor:
    """Consumes the raw topic and publishes downstream, one transaction per batch."""

    def __init__(self, settings: Settings, stop: asyncio.Event | None = None):
        if settings.guarantee not in GUARANTEES:
            raise ConfigError(f"NEWSFLOW_GUARANTEE={settings.guarantee!r}: use one of {GUARANTEES}")
        self.settings = settings
        self.stop_event = stop or asyncio.Event()
        self.exactly_once = settings.guarantee == "exactly_once"
        self.seen = SeenStore(settings, skip_duplicates=settings.dedupe)
        self.stories = StoryIndex(settings.stories_max)
        self.story_feed = StoryFeed(settings, self.stories)
        self.process = EnrichProcess(
            settings.model, settings.batch_size,
            Budget(settings.enrich_timeout_seconds, settings.enrich_memory_mb),
            settings.log_level, settings.log_format, settings.aliases,
            reuse=(settings.reuse_entries, settings.reuse_mb * 1024 * 1024))
        self.enrichment: BatchEnrichment | None = None  # once the topics' limits are known
        self._lock = asyncio.Lock()  # held by a batch in flight and by rebalance callbacks
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._owned: set[TopicPartition] = set()  # assigned and restored
        self._restoring = False
        self._stale = False  # the last transaction may or may not have committed
        self._in_transaction = False
        self._failures = 0  # consecutive failed attempts at the current batch
        self._done: dict[tuple[int, int], list[Outgoing]] = {}  # enriched, not yet committed
        self._refused: dict[tuple[int, int], str] = {}  # refused by the broker: dead-letter
        self._polled = time.monotonic()
        self.refused: str | None = None  # why Kafka turns the worker away, while it does
        self._refusals = 0
        self._next_check = 0.0

    async def start(self) -> None:
        """Start the enrichment process (load the model) before joining the group."""
        await self.process.start()

    @property
    def ready(self) -> bool:
        """Owns raw partitions, has restored their state, is a member of its group, has an
        enrichment process and its loop is not stuck (for /readyz)."""
        return (bool(self._owned) and not self._restoring and self.in_group
                and self.process.ready and not self.stuck and self.refused is None)

    @property
    def in_group(self) -> bool:
        try:
            return self._consumer is not None and member_of(self._consumer) is not None
        except GroupFenced:
            return False

    @property
    def stuck(self) -> bool:
        """No poll of the consumer for longer than a batch can take: the soft deadline,
        one enrichment request's budget, the commit, and a margin."""
        bound = self.settings.batch_deadline_seconds + self.settings.enrich_timeout_seconds + 60
        return time.monotonic() - self._polled > bound

    def assignment(self) -> set[TopicPartition]:
        """The raw partitions this worker owns now."""
        return set(self._owned)

    def highwater(self, tp: TopicPartition) -> int | None:
        return self._consumer.highwater(tp) if self._consumer is not None else None

    def stop(self) -> None:
        """Finish (or abort) the batch in flight, then return from run()."""
        self.stop_event.set()

    async def watch_broker(self, reachable: bool) -> None:
        """Called every few seconds (worker.app) with whether the broker answers. When
        Kafka turns the worker away (credentials changed, certificates expired) the loop's
        clients would retry without end, dozens of times a second: they are stopped and the
        check repeated with a growing backoff (5 s to a minute), not ready meanwhile, until
        Kafka takes the worker again."""
        now = time.monotonic()
        if (reachable and self.refused is None) or now < self._next_check:
            return
        problem = await diagnose(self.settings)
        if problem is not None and problem.refused:
            if self.refused is None:
                log.error("Kafka refuses the worker (%s): its clients stop, retried with backoff",
                          problem.text)
            self.refused = problem.text
            self._refusals += 1
            self._next_check = now + min(60.0, 5.0 * 2 ** (self._refusals - 1))
            return
        if self.refused is not None:
            log.info("Kafka accepts the worker again")
        self.refused, self._refusals, self._next_check = None, 0, 0.0

    async def run(self) -> None:
        """Consume until stopped; transient failures are retried, never fatal."""
        log.info("worker loop starting: %s, transactional id %s, dedupe %s",
                 self.settings.guarantee, transactional_id(self.settings), self.settings.dedupe)
        feed = asyncio.create_task(self.story_feed.run(self.stop_event))
        try:
            while not self.stop_event.is_set():
                if self.refused is not None:
                    await self._close()
                    await _wait(self.stop_event, 1.0)
                    continue
                try:
                    await self._ensure_clients()
                    await self._consume()
                except asyncio.CancelledError as exc:
                    if asyncio.current_task().cancelling():
                        raise  # the loop itself is cancelled
                    # a client's own cancelled future, let through (the broker away past
                    # the session timeout once ended the loop here and left the worker idle)
                    await self._recover(exc)
                except Exception as exc:  # noqa: BLE001 - retried below, never fatal
                    await self._recover(exc)
        finally:
            feed.cancel()
            await asyncio.gather(feed, return_exceptions=True)
            await self._close()
            self.process.close()
            log.info("worker loop stopped")

    async def _ensure_clients(self) -> None:
        if self.enrichment is None:
            limits = await topic_limits(self.settings)
            self.enrichment = BatchEnrichment(self.process, limits)
            log.info("message limits by topic: %s", limits)
        if self._producer is None:
            # With a transactional id, starting fences the predecessor and ends its transaction.
            tid = transactional_id(self.settings) if self.exactly_once else None
            self._producer = await started(fenced_producer(self.settings, tid), self.settings)
        if self._stale and self._consumer is not None:
            async with self._lock:
                partitions = {tp.partition for tp in self._consumer.assignment()}
                await self.seen.restore(partitions, self.stop_event)
        self._stale = False
        if self._consumer is None:
            await _wait_for(self.story_feed.ready, self.stop_event)
            reader = await started(consumer(self.settings, group_id=self.settings.app_id),
                                   self.settings)
            self._owned = set()
            reader.subscribe([RAW.name(self.settings.topic_prefix)], listener=_Rebalance(self))
            self._consumer = reader

    async def _consume(self) -> None:
        while not self.stop_event.is_set() and self.refused is None:
            fetched = await self._consumer.getmany(
                max_records=self.settings.batch_size,
                timeout_ms=int(self.settings.batch_seconds * 1000),
            )
            self._polled = time.monotonic()
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
        commit = self._commit_transaction if self.exactly_once else self._commit_at_least_once
        try:
            batch = with_stories(self.seen.triage(records), self.stories)
            enriched = await self._enriched(batch)
            batch = batch.upto(enriched.done)
            out = enriched.outputs
            # Past the transaction timeout the broker aborts it anyway: give up sooner.
            await asyncio.wait_for(commit(out, batch), self.settings.transaction_timeout_ms / 1000)
        except BaseException:
            self._rewind(fetched, {})  # nothing of the batch is committed: all of it again
            raise
        self._rewind(fetched, batch.offsets())  # what was cut is fetched again
        self.seen.committed(batch)
        for entry in batch.fresh:
            self._done.pop(_key(entry), None)
            self._refused.pop(_key(entry), None)
        metrics.TRANSACTIONS.labels("committed").inc()
        metrics.REVISIONS.inc(batch.revised())
        metrics.STORY_COPIES.inc(sum(e.story is not None and not e.story.founded for e in batch.fresh))
        metrics.DUPLICATES_SKIPPED.labels("article").inc(batch.skipped("article"))
        metrics.DUPLICATES_SKIPPED.labels("redelivery").inc(batch.skipped("redelivery"))
        metrics.MESSAGES_PRODUCED.labels(SEEN.role).inc(len(batch.markers))
        for message in out:
            metrics.count_published(message)
            if message.reason is not None:
                _log_dead_letter(message)
        now = time.time()
        for entry in batch.fresh:
            if entry.record.timestamp:
                metrics.END_TO_END_SECONDS.observe(max(0.0, now - entry.record.timestamp))
        metrics.BATCH_SECONDS.observe(time.monotonic() - started)

    async def _enriched(self, batch: Triage) -> Enriched:
        """The batch's outputs: those enriched before a failed attempt are reused, records
        the broker refused become dead letters, the rest is enriched now (a prefix of the
        batch, if its deadline cuts it short)."""
        fresh = batch.fresh
        deadline = time.monotonic() + self.settings.batch_deadline_seconds
        out: list[Outgoing] = []
        done = 0
        while done < len(fresh):
            entry = fresh[done]
            key = _key(entry)
            if key in self._refused:
                error = BadArticle("output_too_large", self._refused[key])
                self._done[key] = [dead_letter(entry.record, error, entry.article_id)]
            if key in self._done:
                out += self._done[key]
                done += 1
                continue
            end = done
            while end < len(fresh) and _key(fresh[end]) not in self._done | self._refused.keys():
                end += 1
            rest = await self.enrichment.enrich(fresh[done:end], self.stop_event, deadline)
            self._remember(fresh[done:done + rest.done], rest.outputs)
            out += rest.outputs
            done += rest.done
            if done < end:  # cut at the deadline, or stopping
                break
        return Enriched(out, done)

    def _remember(self, entries, out: list[Outgoing]) -> None:
        """Keep each entry's outputs (in order, by source) until its batch commits."""
        by_key: dict[tuple[int, int], list[Outgoing]] = {}
        for message in out:
            by_key.setdefault(message.source, []).append(message)
        for entry in entries:
            self._done[_key(entry)] = by_key.get(_key(entry), [])

    def _rewind(self, fetched: dict[TopicPartition, list], committed: dict[TopicPartition, int]) -> None:
        """Seek each fetched partition back to its first record not committed."""
        owned = self._consumer.assignment() if self._consumer is not None else set()
        for tp, records in fetched.items():
            position = committed.get(tp, records[0].offset)
            if tp in owned and position <= records[-1].offset:
                self._consumer.seek(tp, position)

    async def _send_outputs(self, out: list[Outgoing]) -> list[tuple[tuple[int, int], asyncio.Future]]:
        prefix = self.settings.topic_prefix
        sent = []
        for m in out:
            try:
                future = await self._producer.send(
                    m.topic.name(prefix), m.value,
                    key=m.key.encode() if m.key is not None else None,
                    timestamp_ms=round(m.timestamp * 1000) if m.timestamp is not None else None)
            except REFUSED_RECORD_ERRORS as exc:
                raise _Refused(m.source, exc) from None
            sent.append((m.source, future))
        return sent

    async def _acknowledged(self, sent: list[tuple[tuple[int, int], asyncio.Future]]) -> None:
        for key, future in sent:
            try:
                await future
            except REFUSED_RECORD_ERRORS as exc:
                raise _Refused(key, exc) from None

    async def _send_markers(self, batch: Triage) -> list[asyncio.Future]:
        topic = SEEN.name(self.settings.topic_prefix)
        return [await self._producer.send(topic, m.value, key=m.key, partition=m.partition)
                for m in batch.markers]

    async def _commit_transaction(self, out: list[Outgoing], batch: Triage) -> None:
        await self._producer.begin_transaction()
        self._in_transaction = True
        sent = await self._send_outputs(out)
        markers = await self._send_markers(batch)
        await self._acknowledged(sent)
        await asyncio.gather(*markers)
        await self._producer.send_offsets_to_transaction(batch.offsets(), self.settings.app_id,
                                                         self._consumer)
        await self._producer.commit_transaction()
        self._in_transaction = False

    async def _commit_at_least_once(self, out: list[Outgoing], batch: Triage) -> None:
        """Outputs acknowledged, then the markers, then the offsets: a crash in between
        repeats the outputs (at least once) but never loses them."""
        await self._acknowledged(await self._send_outputs(out))
        await asyncio.gather(*await self._send_markers(batch))
        await self._consumer.commit(batch.offsets())

    async def _recover(self, exc: BaseException) -> None:
        """Abort what is open, drop the clients that may be broken, back off. A record the
        broker refused is dead-lettered on the next attempt, at once."""
        fenced = isinstance(exc, ProducerFenced)
        refused = isinstance(exc, _Refused)
        if refused:
            self._refused[exc.key] = str(exc)
            self._done.pop(exc.key, None)
        else:
            self._failures += 1
        metrics.TRANSACTIONS.labels("fenced" if fenced else "aborted").inc()
        metrics.RETRIES.labels("batch").inc()
        log.warning("batch failed (%s: %s); %s%s", type(exc).__name__, exc,
                    "its record is dead-lettered" if refused else f"retry {self._failures} after backoff",
                    " - another live worker uses this worker id?" if fenced else "")
        if self._producer is not None:
            if self._in_transaction and not fenced:
                aborted = await _quietly(self._producer.abort_transaction())
            else:
                aborted = not fenced
            self._in_transaction = False
            if not aborted:  # a new producer completes or aborts what is open when it starts;
                self._stale = True  # whether it committed, only the seen topic knows:
            if not aborted or refused:  # restore again before going on. A refused record
                await _quietly(self._producer.stop())  # leaves the idempotent producer's
                self._producer = None  # sequence numbers behind the broker's: a new one
        if self._failures >= 3 and self._consumer is not None:
            metrics.RETRIES.labels("clients").inc()
            await self._close()
        if refused:
            return
        await _wait(self.stop_event, min(MAX_BACKOFF_SECONDS, 0.25 * 2 ** self._failures))

    async def _close(self) -> None:
        consumer, self._consumer = self._consumer, None
        producer, self._producer = self._producer, None
        self._owned = set()
        await asyncio.gather(  # the consumer leaves the group: the others rebalance at once
            *(_quietly(client.stop()) for client in (consumer, producer) if client is not None))
        metrics.ASSIGNED_PARTITIONS.set(0)


class _Rebalance(ConsumerRebalanceListener):
    """Nothing in flight across a rebalance; new partitions restore their dedupe state."""

    def __init__(self, processor: TransactionalProcessor):
        self.processor = processor

    async def on_partitions_revoked(self, revoked):
        processor = self.processor
        async with processor._lock:
            processor._owned -= set(revoked)
            partitions = {tp.partition for tp in revoked}
            processor.seen.forget(partitions)
            if processor.enrichment is not None:
                processor.enrichment.forget(partitions)
            for cache in (processor._done, processor._refused):
                for key in [k for k in cache if k[0] in partitions]:
                    del cache[key]
            log.info("partitions revoked: %s", sorted(partitions))

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
    partition, offset = message.source
    log.warning("dead-lettered: %s", message.detail, extra={
        "reason": message.reason, "article_id": message.key, "partition": partition,
        "offset": offset})


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Until ``event`` is set or ``seconds`` have passed."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except asyncio.TimeoutError:
        pass


async def _quietly(awaitable) -> bool:
    """Await with a time limit, logging instead of raising: True if it succeeded."""
    try:
        await asyncio.wait_for(awaitable, CLOSE_SECONDS)
        return True
    except Exception as exc:  # noqa: BLE001 - best effort on the way out or to recover
        log.warning("ignored while recovering: %s: %s", type(exc).__name__, exc)
        return False


async def _wait_for(ready: asyncio.Event, stop: asyncio.Event) -> None:
    """Until ``ready`` (or ``stop``) is set."""
    while not ready.is_set() and not stop.is_set():
        await _wait(ready, 1.0)
