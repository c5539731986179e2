"""What the worker does with raw messages, without Kafka: parse, enrich, and turn each
result into the messages to publish (downstream or dead letter).

Every input yields output: an enriched article with its quote and entity messages, or
exactly one dead letter. Nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newsflow import __version__
from newsflow.core.article import Article, BadArticle
from newsflow.core.parse import from_message
from newsflow.topics import messages
from newsflow.topics.registry import DEAD_LETTER, ENRICHED, ENTITIES, QUOTES, STORIES, Topic

if TYPE_CHECKING:  # spaCy: the worker's own process never loads it (worker.enrich_process)
    from newsflow.core.enrich import Enricher

RULES_VERSION = __version__  # the quote and entity rules ship with the package: its version

# What a record batch holds besides one message's key and value (its headers, the
# record's), with room to spare: a topic's max.message.bytes applies to the whole batch.
RECORD_OVERHEAD_BYTES = 1024


@dataclass(frozen=True, slots=True)
class Incoming:
    """A raw-topic record."""

    payload: bytes
    topic: str
    partition: int
    offset: int
    timestamp: float | None  # record timestamp, seconds


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to publish; ``reason`` and ``detail`` are set on dead letters.
    ``timestamp`` (seconds) is the raw record's: downstream records keep the article's
    event time. ``source`` is the raw record's (partition, offset)."""

    topic: Topic
    key: str | None
    value: bytes
    timestamp: float | None
    reason: str | None = None
    detail: str | None = None
    source: tuple[int, int] | None = None
    language: str | None = None  # an enriched article's, for the per-language count


@dataclass(frozen=True, slots=True)
class Stamp:
    """What an article's messages say besides its enrichment (the worker's triage decides
    it): which revision of the article they are, when it was ingested (their records'
    timestamp, seconds) and when it happened (``event_time``, what trending counts by;
    not the records' timestamp, which the topics' time-based retention reads)."""

    ingested_at: float | None
    event_time: float | None
    revision: int = 1
    previous_revision: int | None = None
    story: dict | None = None  # {"id", "copies"} (worker/stories.py)
    signature: str | None = None  # the MinHash of the article when it founded its story

    @property
    def fields(self) -> dict:
        fields = {"revision": self.revision, "previous_revision": self.previous_revision,
                  "event_time": self.event_time, "rules": RULES_VERSION}
        return fields | ({"story": self.story} if self.story else {})


def parse(record: Incoming, max_bytes: int) -> Article | BadArticle:
    """The record's article, or the reason it is none."""
    try:
        return from_message(record.payload, max_bytes)
    except BadArticle as error:
        return error


def dead_letter(record: Incoming, error: BadArticle, article_id: str | None,
                max_payload_bytes: int = messages.KEPT_PAYLOAD_BYTES) -> Outgoing:
    letter = messages.dead_letter(
        reason=error.reason,
        detail=error.detail,
        payload=record.payload,
        stage="worker",
        source={"topic": record.topic, "partition": record.partition, "offset": record.offset},
        article_id=article_id,
        max_payload_bytes=max_payload_bytes,
    )
    return Outgoing(DEAD_LETTER, article_id, messages.encode(letter), record.timestamp,
                    error.reason, error.detail, (record.partition, record.offset))


def published(enriched: dict, stamp: Stamp) -> list[Outgoing]:
    """The enriched article's messages: the article, then its quotes and its entities,
    each saying its revision, and its story's announcement, on records of the raw
    record's time."""
    enriched = {**enriched, **stamp.fields}
    at = stamp.ingested_at
    article = messages.enriched_article(enriched, stamp.ingested_at)
    out = [Outgoing(ENRICHED, enriched["id"], messages.encode(article), at,
                    language=enriched.get("language"))]
    out += [Outgoing(QUOTES, k, messages.encode(v), at) for k, v in messages.quote_messages(enriched)]
    out += [Outgoing(ENTITIES, k, messages.encode(v), at) for k, v in messages.entity_messages(enriched)]
    if stamp.story and stamp.revision == 1:  # a revision stays in its story, announced once
        story = messages.story_message(enriched, stamp.signature)
        out.append(Outgoing(STORIES, stamp.story["id"], messages.encode(story), at))
    return out


def within_limits(record: Incoming, article_id: str, out: list[Outgoing],
                  limits: Mapping[str, int]) -> list[Outgoing]:
    """``out``, or one dead letter (output_too_large) if any of its messages is larger than
    its topic takes (``limits``: max.message.bytes by topic role): a message the broker
    refuses would fail its transaction on every retry."""
    for message in out:
        limit = limits.get(message.topic.role)
        size = len(message.value) + len((message.key or "").encode())
        if limit is not None and size + RECORD_OVERHEAD_BYTES > limit:
            error = BadArticle("output_too_large", f"{message.topic.role} message of "
                               f"{size} bytes, the topic takes {limit}")
            return [dead_letter(record, error, article_id, _payload_room(limits))]
    return out


def outputs(record: Incoming, parsed: Article | BadArticle,
            result: list[Outgoing] | BadArticle | None, limits: Mapping[str, int]) -> list[Outgoing]:
    """What to publish for one record: its messages within limits, or its dead letter."""
    if isinstance(parsed, BadArticle):
        return [dead_letter(record, parsed, None, _payload_room(limits))]
    if isinstance(result, BadArticle):
        return [dead_letter(record, result, parsed.id, _payload_room(limits))]
    source = (record.partition, record.offset)
    return within_limits(record, parsed.id, [replace(m, source=source) for m in result], limits)


def _payload_room(limits: Mapping[str, int]) -> int:
    limit = limits.get(DEAD_LETTER.role)
    return messages.payload_room(limit) if limit else messages.KEPT_PAYLOAD_BYTES


def process_batch(enricher: Enricher, records: list[Incoming], max_bytes: int,
                  limits: Mapping[str, int] | None = None) -> list[Outgoing]:
    """The messages to publish for ``records``, in input order, enriched in this process."""
    parsed = [parse(record, max_bytes) for record in records]
    articles = [item for item in parsed if isinstance(item, Article)]
    results = iter(enricher.enrich_batch(articles))
    out: list[Outgoing] = []
    for record, item in zip(records, parsed):
        result = None
        if isinstance(item, Article):
            result = next(results)
            if not isinstance(result, BadArticle):
                result = published(result, Stamp(record.timestamp, record.timestamp))
        out.extend(outputs(record, item, result, limits or {}))
    return out
