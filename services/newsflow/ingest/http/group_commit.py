"""serve-ingest's publisher: what a client is told about its articles is what read_committed
readers (the worker, tail, audit) will ever see.

An aiokafka send that timed out is not a send that failed: the record may still wait in
the producer's buffer or be in flight, and land after the client was told 503 and had
retried. So a request's articles go in a Kafka transaction that is committed only once
every article of every request in it was acknowledged before the requests' deadline. A
request answered with an error belongs to a transaction that is never committed: aborted
here (its sends are flushed first, then the abort marker written), by the broker after the
transaction timeout if this process dies, or by the next producer with the same
transactional id (a restart fences this one). Nothing of it reaches a read_committed reader.

Group commit: requests that arrive while a transaction commits wait for the next one and
share it, so a busy server pays one commit per group of requests, not per request. A
producer has one transaction open at a time, and the broker makes its next one wait a
little (CONCURRENT_TRANSACTIONS, retried after 20 ms) while the markers of the last are
written: LANES producers, each with its own transactional id, commit side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from newsflow import metrics
from newsflow.config import Settings
from newsflow.kafka.clients import producer, started

log = logging.getLogger(__name__)

LANES = 4  # transactional producers committing side by side
PROBE_SECONDS = 2.0  # how often the broker is asked for metadata, for readiness
CLOSE_SECONDS = 10.0
MAX_BACKOFF_SECONDS = 10.0


class NotPublished(Exception):
    """The broker did not take the articles in time; none of them will ever be visible."""


@dataclass(eq=False)
class _Request:
    records: list[tuple[bytes, bytes]]  # (key, value)
    deadline: float  # loop time
    answer: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    taken: bool = False  # in a transaction: its outcome decides the answer


class GroupCommit:
    """Publishes lists of (key, value) to ``topic``, each all or nothing, in transactions
    shared by concurrent callers. :meth:`publish` returns once committed, or raises
    NotPublished within ``ack_timeout`` seconds (past it only while a commit already sent
    is in progress: its outcome is the answer)."""

    def __init__(self, settings: Settings, topic: str, transactional_id: str, ack_timeout: float,
                 lanes: int = LANES):
        self.topic, self.ack_timeout = topic, ack_timeout
        self._queue: deque[_Request] = deque()
        self._wake = asyncio.Event()
        self._lanes = [_Lane(self, settings, f"{transactional_id}.{n}") for n in range(lanes)]
        self._tasks: list[asyncio.Task] = []
        self._reachable = True  # from the probe

    async def start(self) -> None:
        """Connect (errors.Unavailable, one line, if no broker answers) and begin serving."""
        for lane in self._lanes:
            await lane.start()
        self._tasks = [asyncio.create_task(self._commit_groups(lane)) for lane in self._lanes]
        self._tasks.append(asyncio.create_task(self._probe()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for request in self._queue:
            request.answer.cancel()
        for lane in self._lanes:
            await lane.close_producer()

    @property
    def problem(self) -> str | None:
        """Why requests are refused now (None: ready)."""
        for lane in self._lanes:
            if lane.problem:
                return lane.problem
        return None if self._reachable else "the Kafka brokers do not answer"

    async def publish(self, records: list[tuple[bytes, bytes]]) -> None:
        if self.problem:
            raise NotPublished(self.problem)
        loop = asyncio.get_running_loop()
        request = _Request(records, loop.time() + self.ack_timeout)
        self._queue.append(request)
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(request.answer), self.ack_timeout)
        except TimeoutError:
            if not request.taken:  # still queued behind stuck transactions: never sent
                self._queue.remove(request)
                raise NotPublished(f"not acknowledged within {self.ack_timeout:g}s") from None
            await request.answer

    async def _commit_groups(self, lane: "_Lane") -> None:
        """One lane's loop: take what is queued, publish it in one transaction, again."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            # A request too close to its deadline stays queued: publish() refuses it, rather
            # than it cutting short the transaction of the others.
            now = asyncio.get_running_loop().time()
            group = [r for r in self._queue if r.deadline - now > 0.05 * self.ack_timeout]
            if not group:
                continue
            self._queue = deque(r for r in self._queue if r not in group)
            for request in group:
                request.taken = True
            await lane.transaction(group)
            if self._queue:
                self._wake.set()  # what came meanwhile, for whichever lane is free

    async def _probe(self) -> None:
        """Readiness: whether the brokers answer a metadata request, every PROBE_SECONDS."""
        while True:
            producer = self._lanes[0].producer
            try:
                self._reachable = bool(producer) and await asyncio.wait_for(
                    producer.client.force_metadata_update(), PROBE_SECONDS)
            except (TimeoutError, KafkaError):
                self._reachable = False
            await asyncio.sleep(PROBE_SECONDS)


class _Lane:
    """One transactional producer and what it is doing: a transaction, or the abort of a
    failed one (then ``problem`` says so and requests are refused at once)."""

    def __init__(self, owner: GroupCommit, settings: Settings, transactional_id: str):
        self._owner, self._settings, self._transactional_id = owner, settings, transactional_id
        self.producer: AIOKafkaProducer | None = None
        self.problem: str | None = None

    async def start(self) -> None:
        self.producer = self._new_producer()
        await started(self.producer, self._settings)

    async def transaction(self, group: list[_Request]) -> None:
        producer, began = self.producer, False
        try:
            async with asyncio.timeout_at(min(r.deadline for r in group)):
                await producer.begin_transaction()
                began = True
                acks = [await producer.send(self._owner.topic, value, key=key)
                        for request in group for key, value in request.records]
                await asyncio.gather(*acks)
        except Exception as exc:  # noqa: BLE001 - timeout, Kafka or producer state: 503
            await self._give_up(group, exc, began)
            return
        try:  # every record acknowledged: from here the commit's outcome is the answer
            await producer.commit_transaction()
        except Exception as exc:  # noqa: BLE001 - the commit failed: the transaction aborts
            await self._give_up(group, exc, began)
            return
        metrics.HTTP_INGEST_TRANSACTIONS.labels("committed").inc()
        for request in group:
            request.answer.set_result(None)

    async def _give_up(self, group: list[_Request], exc: BaseException, began: bool) -> None:
        """Answer the group 503 now, then make sure its transaction ends aborted; requests
        are refused at once meanwhile (the abort flushes the sends, so it waits for a
        reachable broker, however long)."""
        timeout = self._owner.ack_timeout
        detail = (f"not acknowledged within {timeout:g}s" if isinstance(exc, TimeoutError)
                  else f"not acknowledged: {exc!r}")
        for request in group:
            request.answer.set_exception(NotPublished(detail))
        metrics.HTTP_INGEST_TRANSACTIONS.labels("aborted").inc()
        log.warning("%d request(s) answered 503 (%s); aborting their transaction", len(group), detail)
        self.problem = "aborting a transaction that was not acknowledged in time"
        try:
            if began:
                await self.producer.abort_transaction()
        except Exception as exc:  # noqa: BLE001 - fenced, fatal, invalid state: start afresh
            log.warning("abort failed (%s: %s): replacing the producer", type(exc).__name__, exc)
            await self._replace_producer()
        self.problem = None

    async def _replace_producer(self) -> None:
        """A new producer with the same transactional id: starting it fences the old one
        and ends its transaction aborted, on the broker."""
        self.problem = "reconnecting to Kafka"
        await self.close_producer()
        backoff = 0.5
        while True:
            candidate = self._new_producer()
            try:
                await candidate.start()
            except KafkaError as exc:
                log.warning("producer start failed (%s); retrying in %.1fs", exc, backoff)
                self.producer = candidate
                await self.close_producer()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            self.producer = candidate
            return

    async def close_producer(self) -> None:
        if self.producer is None:
            return
        try:
            await asyncio.wait_for(self.producer.stop(), CLOSE_SECONDS)
        except (TimeoutError, KafkaError) as exc:
            log.warning("producer did not close cleanly: %r", exc)
        self.producer = None

    def _new_producer(self) -> AIOKafkaProducer:
        # no linger: a transaction's records are all sent before anyone awaits their acks
        return producer(self._settings, linger_ms=0, transactional_id=self._transactional_id,
                        transaction_timeout_ms=self._settings.transaction_timeout_ms)
