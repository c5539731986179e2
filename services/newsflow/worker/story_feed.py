"""The worker's story index, fed from the ``stories`` topic: every worker reads all of it
(committed announcements only, group-less), so a copy finds its story whichever partition
and worker the founder went through, and a restarted worker finds the stories founded
before. The worker starts taking raw records once the index has caught up with the
topic's end (``ready``); it then follows the topic. Its own announcements are in the
index already (worker/stories.py applies them idempotently).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace

import orjson

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.article import Article
from newsflow.kafka.clients import consumer, started
from newsflow.topics.registry import STORIES
from newsflow.worker.dedupe import Triage
from newsflow.worker.stories import Story, StoryIndex, decode_signature, encode_signature, signature

log = logging.getLogger(__name__)
POLL_MS = 500


def with_stories(batch: Triage, index: StoryIndex) -> Triage:
    """The batch with each fresh article's story (in record order: a copy later in the
    batch joins a story founded earlier in it)."""
    entries = []
    for entry in batch.entries:
        if entry.skipped is None and isinstance(entry.parsed, Article):
            found = signature(entry.parsed.body)
            story = index.assign(entry.parsed.id, found)
            entry = replace(entry, story=story,
                            signature=encode_signature(found) if story.founded else None)
        entries.append(entry)
    return Triage(entries)


def apply(index: StoryIndex, message: dict) -> None:
    """One announcement read from the topic."""
    if message.get("event") == "founded":
        index.founded(message["story"], decode_signature(message["signature"]))
    elif message.get("event") == "copy":
        index.joined(message["article_id"], Story(message["story"], message["copies"], False))


class StoryFeed:
    """Follows the stories topic into ``index`` until stopped, retrying broker trouble."""

    def __init__(self, settings: Settings, index: StoryIndex):
        self.settings = settings
        self.index = index
        self.ready = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        attempt = 0
        while not stop.is_set():
            try:
                await self._follow(stop)
            except Exception as exc:  # noqa: BLE001 - broker trouble: retry with backoff
                attempt += 1
                metrics.RETRIES.labels("stories").inc()
                log.warning("reading the stories topic failed (attempt %d): %s", attempt, exc)
                await asyncio.sleep(min(10.0, 0.5 * 2 ** attempt))

    async def _follow(self, stop: asyncio.Event) -> None:
        started_at = time.monotonic()
        reader = await started(consumer(self.settings, STORIES.name(self.settings.topic_prefix)),
                               self.settings)
        try:
            while not stop.is_set():
                batch = await reader.getmany(timeout_ms=POLL_MS)
                for records in batch.values():
                    for record in records:
                        apply(self.index, orjson.loads(record.value))
                metrics.STORIES_TRACKED.set(len(self.index))
                if not self.ready.is_set() and await _at_end(reader):
                    self.ready.set()
                    log.info("story index caught up in %.1fs: %d stories",
                             time.monotonic() - started_at, len(self.index))
        finally:
            await reader.stop()


async def _at_end(reader) -> bool:
    """Whether every partition is read to its end, no transaction open on it."""
    assigned = reader.assignment()
    if not assigned:
        return False
    for tp in assigned:
        highwater = reader.highwater(tp)
        if highwater is None or reader.last_stable_offset(tp) != highwater:
            return False
        if await reader.position(tp) < highwater:
            return False
    return True
