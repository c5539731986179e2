"""The console's live source: a group-less read_committed consumer of the enriched and
dead-letter topics, from their ends, turning each committed record into an event for the
hub. It also keeps the last dead letters (read back from the topic on start) and their
counts by reason.

Being group-less, it moves nobody's offsets and every console process sees everything.
When the broker goes away or the topics do not exist yet it is started again after a
pause; a page connected meanwhile simply gets the events once they flow again.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import logging
import time

import orjson
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from newsflow import metrics
from newsflow.config import Settings
from newsflow.console import cards
from newsflow.console.hub import Hub, event
from newsflow.errors import NewsflowError
from newsflow.kafka.clients import consumer, producer, started
from newsflow.topics.registry import DEAD_LETTER, ENRICHED, RAW

log = logging.getLogger(__name__)
KEPT_LETTERS = 200  # the dead letters the console lists (newest), read back on start
RESTART_SECONDS = 2.0
REFRESH_SECONDS = 30.0  # partitions added to a topic are picked up this often
FETCH_WAIT_MS = 100  # commit -> page latency: the broker answers a fetch within this


class LiveFeed:
    def __init__(self, settings: Settings, hub: Hub):
        self.settings = settings
        self.hub = hub
        self.enriched = ENRICHED.name(settings.topic_prefix)
        self.dead_letters = DEAD_LETTER.name(settings.topic_prefix)
        self.letters: collections.deque[dict] = collections.deque(maxlen=KEPT_LETTERS)
        self.reasons: collections.Counter[str] = collections.Counter()
        self.connected = False

    def recent_letters(self) -> dict:
        letters = sorted(self.letters, key=lambda l: (-l["committed_at"], -l["offset"]))
        return {"letters": letters, "counts": dict(self.reasons.most_common())}

    async def run(self, stopping: asyncio.Event) -> None:
        """Follow the topics until ``stopping`` is set, starting again after any failure."""
        ends: dict[TopicPartition, int] = {}
        while not stopping.is_set():
            try:
                await self._follow(stopping, ends)
            except (KafkaError, NewsflowError, OSError) as exc:
                metrics.CONSOLE_FEED_ERRORS.inc()
                log.warning("console: live feed stopped (%s); starting again in %.0fs", exc, RESTART_SECONDS)
            self.connected = False
            try:
                await asyncio.wait_for(stopping.wait(), RESTART_SECONDS)
            except asyncio.TimeoutError:
                pass

    async def _follow(self, stopping: asyncio.Event, positions: dict[TopicPartition, int]) -> None:
        """One consumer's life. ``positions`` carries where it was across restarts, so a
        broker restart neither repeats nor skips events."""
        client = await started(consumer(self.settings, from_beginning=False,
                                        fetch_max_wait_ms=FETCH_WAIT_MS), self.settings)
        try:
            refreshed = 0.0
            while not stopping.is_set():
                if time.monotonic() - refreshed > REFRESH_SECONDS:
                    await self._assign(client, positions)
                    refreshed = time.monotonic()
                    self.connected = True
                batch = await client.getmany(timeout_ms=500, max_records=500)
                for tp, records in batch.items():
                    for record in records:
                        self._publish(tp.topic, record)
                    positions[tp] = records[-1].offset + 1
        finally:
            await client.stop()

    async def _assign(self, client, positions: dict[TopicPartition, int]) -> None:
        """Every partition of both topics; a new one starts at its end (dead letters: the
        last KEPT_LETTERS back), a known one where it was."""
        found = await _partitions(client, self.enriched, self.dead_letters)
        tps = [TopicPartition(topic, p) for topic, partitions in found.items() for p in partitions]
        if not tps:
            raise NewsflowError(f"topics {self.enriched} and {self.dead_letters} not there yet")
        if set(tps) == set(client.assignment()):
            return
        client.assign(tps)
        new = [tp for tp in tps if tp not in positions]
        if new:
            ends, starts = await client.end_offsets(new), await client.beginning_offsets(new)
            for tp in new:
                back = KEPT_LETTERS if tp.topic == self.dead_letters else 0
                positions[tp] = max(starts[tp], ends[tp] - back)
        for tp in tps:
            client.seek(tp, positions[tp])

    async def replay(self, partition: int, offset: int) -> str | None:
        """Publish the original bytes of the dead letter at ``partition``/``offset`` to the
        raw topic, under the key it had; its article id. LookupError when the topic has no
        such letter (any more), ValueError when it kept only the start of its input."""
        tp = TopicPartition(self.dead_letters, partition)
        reader = await started(consumer(self.settings), self.settings)
        try:
            if partition not in (await _partitions(reader, self.dead_letters))[self.dead_letters]:
                raise LookupError(f"{self.dead_letters} has no partition {partition}")
            reader.assign([tp])
            reader.seek(tp, offset)
            batch = await reader.getmany(tp, timeout_ms=5000, max_records=1)
        finally:
            await reader.stop()
        records = [r for r in batch.get(tp, []) if r.offset == offset]
        if not records:
            raise LookupError(f"dead letter {partition}:{offset} is no longer in {self.dead_letters}")
        message = orjson.loads(records[0].value)
        if message.get("truncated") or not message.get("payload_b64"):
            raise ValueError("the dead letter kept only the start of its input: it cannot be replayed")
        sender = await started(producer(self.settings), self.settings)
        try:
            await sender.send_and_wait(RAW.name(self.settings.topic_prefix),
                                       base64.b64decode(message["payload_b64"]), key=records[0].key)
        finally:
            await sender.stop()
        metrics.CONSOLE_REPLAYS.inc()
        return message.get("article_id")

    def _publish(self, topic: str, record) -> None:
        try:
            message = orjson.loads(record.value)
        except (orjson.JSONDecodeError, TypeError):
            log.warning("console: %s[%d]@%d is not JSON; not shown", topic, record.partition, record.offset)
            return
        at = record.timestamp / 1000
        if topic == self.enriched:
            shown = cards.card(message, (record.partition, record.offset, at))
            self.hub.publish(event("article", shown, f"enriched:{record.partition}:{record.offset}"))
            metrics.CONSOLE_DELAY.observe(max(0.0, time.time() - at))
        else:  # a letter is read once: positions survive the consumer's restarts
            shown = cards.letter(message, record.partition, record.offset, at)
            self.letters.append(shown)
            self.reasons[shown["reason"] or "unknown"] += 1
            self.hub.publish(event("deadletter", shown, f"deadletter:{record.partition}:{record.offset}"))


async def _partitions(client, *topics: str) -> dict[str, list[int]]:
    """The partitions each topic has now, from one metadata request (none for a topic the
    cluster does not have)."""
    await client._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
    return {topic: sorted(client.partitions_for_topic(topic) or ()) for topic in topics}
