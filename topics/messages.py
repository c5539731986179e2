"""Builders for every message on the wire, and their encoding (JSON via orjson).

The worker and the producer only call these; what a message holds is decided here.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson

from newsflow.core.article import Article
from newsflow.topics.registry import (DEAD_LETTER, ENRICHED, ENTITIES, QUOTES, RAW, STORIES,
                                      TOPIC_MAX_BYTES)

# A dead letter keeps the original payload; the preview is for people reading it.
PREVIEW_CHARS = 200
DETAIL_CHARS = 2000
# An article's first revision; messages written before revisions existed carry none and are it.
FIRST_REVISION = 1
# What a dead letter holds besides its payload: the detail, the preview (at most 4 bytes a
# character) and the rest, with room to spare.
LETTER_RESERVE_BYTES = 64 * 1024


def payload_room(topic_max_bytes: int) -> int:
    """The most of a payload a dead letter can hold in base64 (4/3 of the bytes) and still
    fit a topic that takes ``topic_max_bytes``."""
    return max(0, (topic_max_bytes - LETTER_RESERVE_BYTES) * 3 // 4)


# Raw records may be as large as the topic allows, so a dead letter of the largest one
# keeps its first ~12 MiB.
KEPT_PAYLOAD_BYTES = payload_room(TOPIC_MAX_BYTES)
# How many other entities of the article an entity message names, most salient first.
CO_OCCURRING = 10


def encode(message: dict[str, Any]) -> bytes:
    return orjson.dumps(message)


def raw_article(article: Article, ingested_at: float) -> dict:
    return {"schema": RAW.schema_id, **article.to_dict(), "ingested_at": ingested_at}


def enriched_article(enriched: dict, ingested_at: float | None) -> dict:
    return {"schema": ENRICHED.schema_id, **enriched, "ingested_at": ingested_at}


def quote_messages(enriched: dict) -> list[tuple[str, dict]]:
    """(key, message) for each quote of an enriched article, keyed by article id."""
    return [
        (
            enriched["id"],
            {
                "schema": QUOTES.schema_id,
                "article_id": enriched["id"],
                "index": index,
                "revision": revision_of(enriched),
                "quotes_in_revision": len(enriched["quotes"]),
                "published": enriched.get("published"),
                "title": enriched.get("title", ""),
                **quote,
            },
        )
        for index, quote in enumerate(enriched["quotes"])
    ]


def story_message(enriched: dict, signature: str | None) -> dict:
    """The announcement of the enriched article's story: founded by it (with the
    founder's MinHash ``signature``, for every worker's index), or joined as a copy."""
    story = enriched["story"]
    message = {
        "schema": STORIES.schema_id,
        "event": "founded" if signature is not None else "copy",
        "story": story["id"],
        "copies": story["copies"],
        "article_id": enriched["id"],
        "title": enriched.get("title", ""),
        "url": enriched.get("url"),
        "published": enriched.get("published"),
        "event_time": enriched.get("event_time"),
    }
    if signature is not None:
        message["signature"] = signature
    return message


def entity_key(entity: dict) -> str:
    return entity.get("normalized") or entity["name"]


def entity_messages(enriched: dict) -> list[tuple[str, dict]]:
    """(key, message) for each canonical entity of an enriched article, keyed by name."""
    messages = []
    by_salience = sorted(enriched["canonical_entities"], key=lambda e: -e.get("salience", 0.0))
    for entity in enriched["canonical_entities"]:
        others = [e["name"] for e in by_salience if e is not entity][:CO_OCCURRING]
        said = [q for q in enriched["quotes"] if q.get("speaker") and q["speaker"].get("entity") == entity["id"]]
        messages.append(
            (
                entity_key(entity),
                {
                    "schema": ENTITIES.schema_id,
                    "article_id": enriched["id"],
                    "revision": revision_of(enriched),
                    "event_time": enriched.get("event_time"),
                    "published": enriched.get("published"),
                    "title": enriched.get("title", ""),
                    "name": entity["name"],
                    "normalized": entity_key(entity),
                    "label": entity["label"],
                    "role": entity.get("role"),
                    "count": entity["count"],
                    "salience": entity.get("salience", 0.0),
                    "mentions": entity["mentions"],
                    "co_occurring": others,
                    "quotes": [
                        {"text": q["text"], "start": q["start"], "end": q["end"],
                         "type": q["type"]}
                        for q in said
                    ],
                    **({"story": enriched["story"]} if enriched.get("story") else {}),
                },
            )
        )
    return messages


def dead_letter(
    *,
    reason: str,
    detail: str,
    payload: bytes,
    stage: str,
    source: dict,
    article_id: str | None = None,
    max_payload_bytes: int = KEPT_PAYLOAD_BYTES,
) -> dict:
    """Bad input, kept: ``payload_b64`` is the original bytes, whole unless ``truncated``
    (then its first ``max_payload_bytes``; ``size`` and ``sha256`` are always the whole's).

    ``source`` says where it came from: {"topic", "partition", "offset"} for the worker,
    {"origin": "path:line"} for the producer.
    """
    return {
        "schema": DEAD_LETTER.schema_id,
        "reason": reason,
        "detail": detail[:DETAIL_CHARS],
        "stage": stage,
        "article_id": article_id,
        "source": source,
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "payload_b64": base64.b64encode(payload[:max_payload_bytes]).decode("ascii"),
        "truncated": len(payload) > max_payload_bytes,
        "preview": payload[:PREVIEW_CHARS * 4].decode("utf-8", "replace")[:PREVIEW_CHARS],
    }


def revision_of(message: dict) -> int:
    """The article revision a message belongs to (FIRST_REVISION when it says none)."""
    return int(message.get("revision") or FIRST_REVISION)
