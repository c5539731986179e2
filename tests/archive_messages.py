"""Downstream messages for the archive's integration and fault tests, published straight
to the enriched, quote and entity topics (as a worker would, without enriching): article
``i`` is the seed's enrichment under id ``a<i>``, with a few of its quotes and entities."""

from __future__ import annotations

import asyncio

from newsflow.config import Settings
from newsflow.kafka.clients import producer, started
from newsflow.topics import messages
from newsflow.topics.registry import ENRICHED, ENTITIES, QUOTES

QUOTES_EACH, ENTITIES_EACH = 3, 4


def article(seed_enriched: dict, i: int, revision: int | None = None) -> dict:
    quotes = seed_enriched["quotes"][:QUOTES_EACH]
    entities = seed_enriched["canonical_entities"][:ENTITIES_EACH]
    made = {**seed_enriched, "id": f"a{i:06d}", "quotes": quotes, "canonical_entities": entities}
    return made if revision is None else {**made, "revision": revision}


def records(enriched: dict) -> list[tuple[str, bytes, bytes]]:
    """(topic role, key, value) of an enriched article's messages on every archived topic."""
    revision = {"revision": enriched["revision"]} if "revision" in enriched else {}
    out = [(ENRICHED.role, enriched["id"].encode(),
            messages.encode(messages.enriched_article(enriched, None)))]
    out += [(QUOTES.role, key.encode(), messages.encode({**m, **revision}))
            for key, m in messages.quote_messages(enriched)]
    out += [(ENTITIES.role, key.encode(), messages.encode({**m, **revision}))
            for key, m in messages.entity_messages(enriched)]
    return out


async def publish(settings: Settings, items: list[tuple[str, bytes, bytes]]) -> None:
    names = {t.role: t.name(settings.topic_prefix) for t in (ENRICHED, QUOTES, ENTITIES)}
    client = await started(producer(settings, linger_ms=20), settings)
    try:
        for start in range(0, len(items), 2000):
            await asyncio.gather(*[await client.send(names[role], value, key=key)
                                   for role, key, value in items[start:start + 2000]])
    finally:
        await client.stop()
