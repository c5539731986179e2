"""The one way articles reach the raw topic: a Sink (bad input to the dead-letter topic,
with its reason), or, for --dry-run, stdout as the JSONL that would be published."""

from __future__ import annotations

import asyncio
import sys
import time

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.article import Article
from newsflow.ingest.files import Rejected
from newsflow.kafka.clients import producer, started
from newsflow.topics import messages
from newsflow.topics.registry import DEAD_LETTER, RAW


class Sink:
    """Where ingested articles go: the raw topic (dead letters to theirs), or, for
    --dry-run, stdout as the JSONL that would be published."""

    def __init__(self, settings: Settings, dry_run: bool = False):
        self.raw_topic = RAW.name(settings.topic_prefix)
        self.dead_topic = DEAD_LETTER.name(settings.topic_prefix)
        self._settings = settings
        self._client = None if dry_run else producer(settings)
        # (article id or None for a dead letter, the topic's role, its acknowledgement)
        self._pending: list[tuple[str | None, str, asyncio.Future]] = []

    async def __aenter__(self) -> "Sink":
        if self._client is not None:
            await started(self._client, self._settings)
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
        self._pending.append((item.id, RAW.role, await self.send(item, value)))

    async def send(self, item: Article, value: bytes | None = None) -> asyncio.Future:
        """Send it to the raw topic; the future of its acknowledgement, for the caller to
        await (a server's concurrent requests each wait for their own)."""
        value = value or messages.encode(messages.raw_article(item, time.time()))
        return await self._client.send(self.raw_topic, value, key=item.id.encode())

    async def rejected(self, item: Rejected) -> None:
        """Dead-letter it and count it in newsflow_dead_letters_total{stage="ingest"} (a
        dry run only reports it)."""
        if self._client is None:
            return
        letter = messages.dead_letter(
            reason=item.error.reason, detail=item.error.detail, payload=item.payload,
            stage="ingest", source={"origin": item.origin},
        )
        ack = await self._client.send(self.dead_topic, messages.encode(letter))
        self._pending.append((None, DEAD_LETTER.role, ack))
        metrics.DEAD_LETTERS.labels(item.error.reason, "ingest").inc()

    async def flush(self) -> list[str]:
        """Wait until everything sent so far is acknowledged (raises if a send failed) and
        count it in newsflow_messages_produced_total; the ids of the articles among it."""
        pending, self._pending = self._pending, []
        await asyncio.gather(*(ack for _, _, ack in pending))
        for _, role, _ in pending:
            metrics.MESSAGES_PRODUCED.labels(role).inc()
        return [article_id for article_id, _, _ in pending if article_id is not None]


def one_line(message: bytes) -> bytes:
    """A JSON message with the line separators JSON leaves raw in strings (U+2028, U+2029,
    U+0085: lines to str.splitlines and to some log tools) escaped, so it stays one line."""
    return (message.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
            .replace("\x85".encode(), b"\\u0085"))
