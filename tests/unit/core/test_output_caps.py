"""The output caps: each list keeps its first items within a count and a size as JSON, and
the article says what it lost."""

from __future__ import annotations

import copy

from newsflow.core import output_caps
from newsflow.core.output_caps import capped
from newsflow.topics import messages, validate


def mention(i: int, text: str = "Paris") -> dict:
    return {"text": text, "start": 6 * i, "end": 6 * i + len(text)}


def test_an_article_within_the_caps_is_left_as_it_is(seed_enriched):
    article = copy.deepcopy(seed_enriched)
    assert capped(article) == seed_enriched and "truncated" not in article


def test_each_list_keeps_its_first_items_and_the_article_counts_the_rest(seed_enriched, monkeypatch):
    monkeypatch.setattr(output_caps, "MAX_MENTIONS", 3)
    monkeypatch.setattr(output_caps, "MAX_ENTITY_MENTIONS", 2)
    article = copy.deepcopy(seed_enriched)
    entities, first = article["entities"], article["canonical_entities"][0]
    first["mentions"] = [mention(i) for i in range(5)]
    capped(article)
    assert article["entities"] == entities[:3]
    assert first["mentions"] == [mention(0), mention(1)] and first["count"] == seed_enriched["canonical_entities"][0]["count"]
    assert article["truncated"] == {"entities": len(entities) - 3, "entity_mentions": 3 + sum(
        max(0, len(e["mentions"]) - 2) for e in seed_enriched["canonical_entities"][1:])}
    validate(messages.enriched_article(article, None))


def test_a_list_is_cut_where_its_json_would_pass_its_size(seed_enriched):
    article = copy.deepcopy(seed_enriched)
    article["dates"] = [{"text": "x" * 1000, "start": 0, "end": 1000, "iso": "2025-07-14"}] * 200
    capped(article)
    assert 100 < len(article["dates"]) < 200 and article["truncated"] == {"dates": 200 - len(article["dates"])}
    assert len(messages.encode(article["dates"])) <= output_caps.DATES_BYTES


def test_a_quote_too_long_for_its_message_is_left_out(seed_enriched):
    article = copy.deepcopy(seed_enriched)
    quotes = article["quotes"]
    huge = {**quotes[0], "text": "w" * output_caps.MAX_QUOTE_BYTES}
    article["quotes"] = [huge, *quotes]
    capped(article)
    assert article["quotes"] == quotes and article["truncated"] == {"quotes": 1}
