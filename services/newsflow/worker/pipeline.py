"""What the worker does with a batch of raw messages, without Kafka: parse, enrich, and
turn each result into the messages to publish (downstream or dead letter).

Every input yields output: an enriched article with its quote and entity messages, or
exactly one dead letter. Nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsflow.core.article import Article, BadArticle
from newsflow.core.enrich import Enricher
from newsflow.core.parse import from_message
from newsflow.topics import messages
from newsflow.topics.registry import DEAD_LETTER, ENRICHED, ENTITIES, QUOTES, Topic


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
    """A message to publish; ``reason`` is set on dead letters. ``timestamp`` (seconds) is
    the raw record's: downstream records keep the article's event time."""

    topic: Topic
    key: str | None
    value: bytes
    timestamp: float | None
    reason: str | None = None


def _dead_letter(record: Incoming, error: BadArticle, article_id: str | None) -> Outgoing:
    letter = messages.dead_letter(
        reason=error.reason,
        detail=error.detail,
        payload=record.payload,
        stage="worker",
        source={"topic": record.topic, "partition": record.partition, "offset": record.offset},
        article_id=article_id,
    )
    return Outgoing(DEAD_LETTER, article_id, messages.encode(letter), record.timestamp, error.reason)


def _published(enriched: dict, record: Incoming) -> list[Outgoing]:
    at = record.timestamp
    article = messages.enriched_article(enriched, at)
    out = [Outgoing(ENRICHED, enriched["id"], messages.encode(article), at)]
    out += [Outgoing(QUOTES, k, messages.encode(v), at) for k, v in messages.quote_messages(enriched)]
    out += [Outgoing(ENTITIES, k, messages.encode(v), at) for k, v in messages.entity_messages(enriched)]
    return out


def process_batch(enricher: Enricher, records: list[Incoming], max_bytes: int) -> list[Outgoing]:
    """The messages to publish for ``records``, in input order."""
    parsed: list[Article | BadArticle] = []
    for record in records:
        try:
            parsed.append(from_message(record.payload, max_bytes))
        except BadArticle as error:
            parsed.append(error)
    articles = [item for item in parsed if isinstance(item, Article)]
    results = iter(enricher.enrich_batch(articles))
    out: list[Outgoing] = []
    for record, item in zip(records, parsed):
        if isinstance(item, BadArticle):
            out.append(_dead_letter(record, item, None))
            continue
        result = next(results)
        if isinstance(result, BadArticle):
            out.append(_dead_letter(record, result, item.id))
        else:
            out.extend(_published(result, record))
    return out
