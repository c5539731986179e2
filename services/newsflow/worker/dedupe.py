"""The worker's dedupe store: which raw records and articles were already processed.

It lives in the compacted seen topic, written in the same transaction as the outputs
(exactly-once) or right after they are acknowledged (at-least-once); seen partition p
mirrors raw partition p. Whoever is assigned raw partition p restores p's state from it:

* the *floor*: one past the highest raw offset processed. Records below it are
  redeliveries (a stale committed offset after a crash or a rebalance) and are skipped,
  so a redelivery never produces output twice, even for unparseable records;
* the *ids*: articles already processed, each with the fingerprint of its content and its
  revision. The same article ingested again unchanged (same id, hence the same raw
  partition, same fingerprint) is skipped: it is neither enriched nor published again.
  Changed (a correction: same URL, another body or title), it is a new revision: enriched
  and published again with ``revision`` one higher than the last one processed.

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
from newsflow.config import Settings, parse_duration
from newsflow.core.article import Article, BadArticle, content_fingerprint
from newsflow.kafka.clients import consumer, started
from newsflow.topics.registry import SEEN
from newsflow.worker.event_time import event_time
from newsflow.worker.stories import Story
from newsflow.worker.pipeline import Incoming, Stamp, parse

log = logging.getLogger(__name__)
POLL_MS = 200


@dataclass(frozen=True, slots=True)
class Marker:
    """A seen-topic record for one processed raw record."""

    partition: int
    key: bytes
    value: bytes


@dataclass(frozen=True, slots=True)
class Version:
    """What the store knows of a processed article: its content's fingerprint (None for a
    marker written before revisions existed) and its revision."""

    fingerprint: str | None
    revision: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One raw record of a batch: parsed once (an Article, or the BadArticle it is), or
    skipped as a ``duplicate`` article or a ``redelivery`` (then not parsed). ``version``:
    the article's fingerprint and the revision this record is; ``event_time``: when it
    happened (worker/event_time.py)."""

    record: Incoming
    parsed: Article | BadArticle | None = None
    skipped: str | None = None  # DUPLICATE_KINDS: "article" or "redelivery"
    version: Version | None = None
    event_time: float | None = None
    story: Story | None = None  # set by worker/story_feed.with_stories
    signature: str | None = None  # its MinHash, when it founded its story

    @property
    def article_id(self) -> str | None:
        return self.parsed.id if isinstance(self.parsed, Article) else None

    @property
    def stamp(self) -> Stamp:
        """What its messages say besides the enrichment: revision and times."""
        revision = self.version.revision if self.version else 1
        return Stamp(ingested_at=self.record.timestamp, event_time=self.event_time,
                     revision=revision, previous_revision=revision - 1 or None,
                     story=self.story.to_dict() if self.story else None,
                     signature=self.signature)


@dataclass(slots=True)
class Triage:
    """A batch split into what to process and what was already processed, in record order."""

    entries: list[Entry] = field(default_factory=list)

    @property
    def fresh(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.skipped is None]

    @property
    def markers(self) -> list[Marker]:
        return [marker(entry.record, entry.article_id, entry.version) for entry in self.fresh]

    @property
    def ids(self) -> dict[int, dict[str, Version]]:
        """The article ids of the fresh entries with their versions, by partition."""
        ids: dict[int, dict[str, Version]] = {}
        for entry in self.fresh:
            if entry.article_id is not None:
                ids.setdefault(entry.record.partition, {})[entry.article_id] = entry.version
        return ids

    def revised(self) -> int:
        """How many fresh entries are corrections (revision 2 and up)."""
        return sum(entry.version is not None and entry.version.revision > 1 for entry in self.fresh)

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


def marker(record: Incoming, article_id: str | None, version: Version | None = None) -> Marker:
    """Keyed by article id (compaction keeps its latest revision); an unparseable record
    by its own topic/partition/offset."""
    key = article_id or f"{record.topic}/{record.partition}/{record.offset}"
    value = {
        "schema": SEEN.schema_id,
        "article_id": article_id,
        "source": {"topic": record.topic, "partition": record.partition, "offset": record.offset},
    }
    if version is not None:
        value |= {"fingerprint": version.fingerprint, "revision": version.revision}
    return Marker(record.partition, key.encode(), orjson.dumps(value))


def version_of(seen: dict) -> Version:
    """A seen marker's version; one written before revisions is revision 1 of any content."""
    return Version(seen.get("fingerprint"), seen.get("revision", 1))


class SeenStore:
    """The restored state of the raw partitions this worker owns."""

    def __init__(self, settings: Settings, skip_duplicates: bool):
        self.settings = settings
        self.skip_duplicates = skip_duplicates
        self.floors: dict[int, int] = {}
        self.ids: dict[int, dict[str, Version]] = {}
        self.event_time_max_age = parse_duration(settings.event_time_max_age)

    def triage(self, records: list[Incoming]) -> Triage:
        """Each record parsed once; redeliveries and (if enabled) unchanged articles
        already seen, in this batch too, marked skipped; a changed one is the next revision."""
        batch = Triage()
        batch_ids: dict[int, dict[str, Version]] = {}
        for record in records:
            if record.offset < self.floors.get(record.partition, 0):
                batch.entries.append(Entry(record, skipped="redelivery"))
                continue
            parsed = parse(record, self.settings.max_bytes)
            if not isinstance(parsed, Article):
                batch.entries.append(Entry(record, parsed))
                continue
            seen = batch_ids.setdefault(record.partition, {})
            last = seen.get(parsed.id) or self.ids.get(record.partition, {}).get(parsed.id)
            fingerprint = content_fingerprint(parsed.title, parsed.body, parsed.replay)
            if self.skip_duplicates and last is not None and last.fingerprint in (None, fingerprint):
                batch.entries.append(Entry(record, parsed, skipped="article"))
                continue
            version = Version(fingerprint, last.revision + 1 if last else 1)
            at = event_time(parsed.published, record.timestamp, self.event_time_max_age)
            batch.entries.append(Entry(record, parsed, version=version, event_time=at))
            seen[parsed.id] = version
        return batch

    def committed(self, batch: Triage) -> None:
        """Remember a batch once its transaction (or its sends) succeeded."""
        for entry in batch.fresh:
            record = entry.record
            self.floors[record.partition] = max(self.floors.get(record.partition, 0), record.offset + 1)
        for partition, ids in batch.ids.items():
            self.ids.setdefault(partition, {}).update(ids)

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
        ids: dict[int, dict[str, Version]] = {p: {} for p in partitions}
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
                            ids[tp.partition][seen["article_id"]] = version_of(seen)
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
