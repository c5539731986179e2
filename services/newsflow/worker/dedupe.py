"""The worker's dedupe store: which raw records and articles were already processed.

It lives in the compacted seen topic, written in the same transaction as the outputs
(exactly-once) or right after they are acknowledged (at-least-once); seen partition p
mirrors raw partition p. Whoever is assigned raw partition p restores p's state from it:

* the *floor*: one past the highest raw offset processed. Records below it are
  redeliveries (a stale committed offset after a crash or a rebalance) and are skipped,
  so a redelivery never produces output twice, even for unparseable records;
* the *ids*: articles already processed. The same article ingested again (same id,
  hence the same raw partition) is skipped: it is neither enriched nor published again.

Restoring waits until no transaction is open on the partition (an orphan of a killed
worker is aborted after the transaction timeout) so that nothing committed is missed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

import orjson
from aiokafka import TopicPartition

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.article import Article, BadArticle
from newsflow.kafka.clients import consumer, started
from newsflow.topics.registry import SEEN
from newsflow.worker.pipeline import Incoming, parse

log = logging.getLogger(__name__)
POLL_MS = 200


@dataclass(frozen=True, slots=True)
class Marker:
    """A seen-topic record for one processed raw record."""

    partition: int
    key: bytes
    value: bytes


@dataclass(frozen=True, slots=True)
class Entry:
    """One raw record of a batch: parsed once (an Article, or the BadArticle it is), or
    skipped as a ``duplicate`` article or a ``redelivery`` (then not parsed)."""

    record: Incoming
    parsed: Article | BadArticle | None = None
    skipped: str | None = None  # DUPLICATE_KINDS: "article" or "redelivery"

    @property
    def article_id(self) -> str | None:
        return self.parsed.id if isinstance(self.parsed, Article) else None


@dataclass(slots=True)
class Triage:
    """A batch split into what to process and what was already processed, in record order."""

    entries: list[Entry] = field(default_factory=list)

    @property
    def fresh(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.skipped is None]

    @property
    def markers(self) -> list[Marker]:
        return [marker(entry.record, entry.article_id) for entry in self.fresh]

    @property
    def ids(self) -> dict[int, set[str]]:
        """The article ids of the fresh entries, by partition."""
        ids: dict[int, set[str]] = {}
        for entry in self.fresh:
            if entry.article_id is not None:
                ids.setdefault(entry.record.partition, set()).add(entry.article_id)
        return ids

    def skipped(self, kind: str) -> int:
        return sum(entry.skipped == kind for entry in self.entries)

    def upto(self, fresh_done: int) -> "Triage":
        """The batch up to (not including) its fresh entry number ``fresh_done``: what a
        transaction covers when enrichment stopped there."""
        kept, fresh = [], 0
        for entry in self.entries:
            if entry.skipped is None:
                if fresh == fresh_done:
                    break
                fresh += 1
            kept.append(entry)
        return Triage(kept)

    def offsets(self) -> dict[TopicPartition, int]:
        """The consumer offsets that commit the batch: one past each partition's last record."""
        ends: dict[TopicPartition, int] = {}
        for entry in self.entries:
            record = entry.record
            ends[TopicPartition(record.topic, record.partition)] = record.offset + 1
        return ends


def marker(record: Incoming, article_id: str | None) -> Marker:
    """Keyed by article id; an unparseable record by its own topic/partition/offset."""
    key = article_id or f"{record.topic}/{record.partition}/{record.offset}"
    value = {
        "schema": SEEN.schema_id,
        "article_id": article_id,
        "source": {"topic": record.topic, "partition": record.partition, "offset": record.offset},
    }
    return Marker(record.partition, key.encode(), orjson.dumps(value))


class SeenStore:
    """The restored state of the raw partitions this worker owns."""

    def __init__(self, settings: Settings, skip_duplicates: bool):
        self.settings = settings
        self.skip_duplicates = skip_duplicates
        self.floors: dict[int, int] = {}
        self.ids: dict[int, set[str]] = {}

    def triage(self, records: list[Incoming]) -> Triage:
        """Each record parsed once; redeliveries and (if enabled) articles already seen,
        in this batch too, marked skipped."""
        batch = Triage()
        batch_ids: dict[int, set[str]] = {}
        for record in records:
            if record.offset < self.floors.get(record.partition, 0):
                batch.entries.append(Entry(record, skipped="redelivery"))
                continue
            parsed = parse(record, self.settings.max_bytes)
            article_id = parsed.id if isinstance(parsed, Article) else None
            seen = batch_ids.setdefault(record.partition, set())
            if self.skip_duplicates and article_id is not None and (
                article_id in self.ids.get(record.partition, ()) or article_id in seen
            ):
                batch.entries.append(Entry(record, parsed, skipped="article"))
                continue
            batch.entries.append(Entry(record, parsed))
            if article_id is not None:
                seen.add(article_id)
        return batch

    def committed(self, batch: Triage) -> None:
        """Remember a batch once its transaction (or its sends) succeeded."""
        for entry in batch.fresh:
            record = entry.record
            self.floors[record.partition] = max(self.floors.get(record.partition, 0), record.offset + 1)
        for partition, ids in batch.ids.items():
            self.ids.setdefault(partition, set()).update(ids)

    def forget(self, partitions: set[int]) -> None:
        for partition in partitions:
            self.floors.pop(partition, None)
            self.ids.pop(partition, None)

    async def restore(self, partitions: set[int], stop: asyncio.Event) -> None:
        """Load the state of ``partitions``, retrying until done (or stopping)."""
        attempt = 0
        while partitions and not stop.is_set():
            started = time.monotonic()
            try:
                await self._restore(partitions, stop)
            except Exception as exc:  # noqa: BLE001 - broker trouble: retry with backoff
                attempt += 1
                metrics.RETRIES.labels("restore").inc()
                log.warning("restoring seen partitions %s failed (attempt %d): %s",
                            sorted(partitions), attempt, exc)
                await asyncio.sleep(min(10.0, 0.5 * 2 ** attempt))
                continue
            metrics.DEDUPE_RESTORE_SECONDS.observe(time.monotonic() - started)
            log.info("restored seen partitions %s: %d ids, floors %s", sorted(partitions),
                     sum(len(self.ids.get(p, ())) for p in partitions),
                     {p: self.floors.get(p, 0) for p in sorted(partitions)})
            return

    async def _restore(self, partitions: set[int], stop: asyncio.Event) -> None:
        topic = SEEN.name(self.settings.topic_prefix)
        tps = [TopicPartition(topic, p) for p in partitions]
        reader = await started(consumer(self.settings), self.settings)
        floors: dict[int, int] = {}
        ids: dict[int, set[str]] = {p: set() for p in partitions}
        # An orphaned transaction holds the last stable offset back until it is aborted.
        patience = 3 * self.settings.transaction_timeout_ms / 1000 + 30
        deadline = time.monotonic() + patience
        try:
            reader.assign(tps)
            await reader.seek_to_beginning(*tps)
            pending = set(tps)
            while pending and not stop.is_set():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"seen partitions {sorted(partitions)} not stable")
                batch = await reader.getmany(*pending, timeout_ms=POLL_MS)
                for tp, records in batch.items():
                    for record in records:
                        seen = orjson.loads(record.value)
                        offset = seen["source"]["offset"]
                        floors[tp.partition] = max(floors.get(tp.partition, 0), offset + 1)
                        if seen["article_id"] is not None:
                            ids[tp.partition].add(seen["article_id"])
                for tp in list(pending):
                    highwater = reader.highwater(tp)
                    stable = reader.last_stable_offset(tp)
                    if (highwater is not None and stable == highwater
                            and await reader.position(tp) >= highwater):
                        pending.discard(tp)
        finally:
            await reader.stop()
        if stop.is_set():
            return
        self.floors.update({p: floors.get(p, 0) for p in partitions})
        self.ids.update(ids)
