"""Caps on what one enriched article holds, so that its messages stay within the topics'
limits whatever the input: name-dense text multiplies 21-30 times when enriched ("U.S. "
x 130,000: 29.7x), so an article well under the input limit could otherwise make an
enriched message over its topic's 16 MiB, or an entity message over the 1 MiB of a topic
left at Kafka's default.

Each list keeps its first items (in its own order) within a count and a size as JSON;
what was left out is counted in the article's ``truncated`` object, which is there only
when something was. Each cap is at least 6 times the largest PolNeAR article's figure
(in brackets); a 1 MiB article of PolNeAR prose (256 articles end to end) meets those on
quotes, mentions and one entity's mentions. With them, as orjson encodes them:

* the enriched message is at most twice the raw article (its fields, escaped) plus 4.7 MiB;
* a quote message is at most 65 KiB plus the article's id and title;
* an entity message is at most 830 KiB plus the article's id and title (its mentions,
  the article's quotes, names of at most 200 characters: see entities.MAX_NAME_CHARS, a
  role of at most 8 tokens of at most 1,000 characters: see
  components.bounded_runs.MAX_RUN_CHARS).
"""

from __future__ import annotations

import orjson

KIB = 1024
MAX_QUOTE_BYTES = 64 * KIB  # one quote [4.5 KB]; a longer one is left out
MAX_QUOTES, QUOTES_BYTES = 1000, 512 * KIB  # [155 quotes, 55 KB]
MAX_MENTIONS, MENTIONS_BYTES = 10_000, 2048 * KIB  # "entities" [908, 100 KB]
MAX_ENTITIES, ENTITIES_BYTES = 5000, 2048 * KIB  # "canonical_entities", salient first [263, 59 KB]
MAX_ENTITY_MENTIONS, ENTITY_MENTIONS_BYTES = 1000, 256 * KIB  # of one entity; its count keeps all [76, 3.3 KB]
MAX_DATES, DATES_BYTES = 1000, 128 * KIB  # [4, 0.3 KB]


def capped(enriched: dict) -> dict:
    """``enriched`` with its lists cut to the caps, and ``truncated`` saying how many
    items each lost ("entity_mentions": those left out of the canonical entities' own
    lists) when any did."""
    left_out: dict[str, int] = {}

    def keep(name: str, items: list, max_items: int, max_bytes: int) -> list:
        kept = _first(items, max_items, max_bytes)
        if len(kept) < len(items):
            left_out[name] = left_out.get(name, 0) + len(items) - len(kept)
        return kept

    short = [q for q in enriched["quotes"] if len(orjson.dumps(q)) <= MAX_QUOTE_BYTES]
    kept = _first(short, MAX_QUOTES, QUOTES_BYTES)
    if len(kept) < len(enriched["quotes"]):
        left_out["quotes"] = len(enriched["quotes"]) - len(kept)
    enriched["quotes"] = kept
    enriched["entities"] = keep("entities", enriched["entities"], MAX_MENTIONS, MENTIONS_BYTES)
    for entity in enriched["canonical_entities"]:
        entity["mentions"] = keep("entity_mentions", entity["mentions"], MAX_ENTITY_MENTIONS, ENTITY_MENTIONS_BYTES)
    enriched["canonical_entities"] = keep(
        "canonical_entities", enriched["canonical_entities"], MAX_ENTITIES, ENTITIES_BYTES
    )
    enriched["dates"] = keep("dates", enriched["dates"], MAX_DATES, DATES_BYTES)
    if left_out:
        enriched["truncated"] = dict(sorted(left_out.items()))
    return enriched


def _first(items: list, max_items: int, max_bytes: int) -> list:
    """The longest prefix of ``items`` with at most ``max_items`` items and ``max_bytes``
    bytes as a JSON array."""
    size = 2  # the brackets
    for i, item in enumerate(items[:max_items]):
        size += len(orjson.dumps(item)) + (i > 0)
        if size > max_bytes:
            return items[:i]
    return items[:max_items]
