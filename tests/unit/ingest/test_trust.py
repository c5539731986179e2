"""What a sender says is data, not authority: ids are derived by newsflow (a supplied one is
kept as source_id), and JSON escapes do not carry control characters past the binary filter."""

from __future__ import annotations

import orjson
import pytest
from jsonschema import ValidationError

from newsflow.config import Settings
from newsflow.core.article import BadArticle, article_id
from newsflow.core.parse import from_json, from_mapping, from_message
from newsflow.topics import messages, validate
from newsflow.worker.dedupe import SeenStore
from newsflow.worker.pipeline import Incoming

VICTIM_URL = "https://news.example/2026/bridge-collapse"
VICTIM = {"title": "Bridge collapses", "body": "The bridge fell into the river at dawn.",
          "url": VICTIM_URL}


def raw_payload(sent: dict) -> bytes:
    """The raw-topic value newsflow ingest writes for what a sender sent."""
    return messages.encode(messages.raw_article(from_mapping(sent), 1.0))


def test_a_supplied_id_is_not_the_id_but_kept_as_source_id():
    article = from_json('{"id": "wire-123", "title": "T", "body": "B", "url": "https://x.example/a"}')
    assert article.id == article_id("T", "B", "https://x.example/a")
    assert article.source_id == "wire-123"
    assert article.to_dict()["source_id"] == "wire-123"


def test_a_raw_message_read_again_keeps_source_id_and_sets_none_of_its_own():
    first = from_mapping({"id": "wire-123", "title": "T", "body": "B"})
    again = from_message(messages.encode(messages.raw_article(first, 1.0)))
    assert (again.id, again.source_id) == (first.id, "wire-123")
    plain = from_mapping({"title": "T", "body": "B"})
    reread = from_message(messages.encode(messages.raw_article(plain, 1.0)))
    assert reread.source_id is None and "source_id" not in reread.to_dict()
    # an "id" equal to the derived one is no source_id either
    assert from_mapping({"id": plain.id, "title": "T", "body": "B"}).source_id is None


def test_source_id_is_in_the_raw_and_enriched_schemas(seed_enriched):
    article = from_mapping({"id": "wire-9", "title": "T", "body": "B"})
    validate(messages.raw_article(article, 1.0))
    validate(messages.enriched_article({**seed_enriched, "source_id": "wire-9"}, 1.0))
    with pytest.raises(ValidationError):
        validate({**messages.raw_article(article, 1.0), "source_id": 7})


@pytest.mark.parametrize("forged", [
    {"id": article_id("", "", VICTIM_URL), "title": "Ad", "body": "Buy now."},  # through ingest
    {"id": article_id("", "", VICTIM_URL), "title": "Ad", "body": "Buy now.",
     "url": "https://spam.example/x"},
])
def test_an_article_sent_with_a_victims_id_does_not_suppress_the_real_story(forged):
    """The worker's dedupe (worker.dedupe.SeenStore, the real one) sees a record
    claiming the victim's id first, then the real story, on the same partition (the
    producer keyed the claim by the id it carried). Before, the story was skipped."""
    store = SeenStore(Settings(), skip_duplicates=True)
    # the claim as newsflow writes it now, and as an old producer (or anyone with write
    # access to the raw topic) wrote it: the supplied id in "id"
    claims = [raw_payload(forged), orjson.dumps(forged)]
    records = [Incoming(payload, "raw", 0, offset, None)
               for offset, payload in enumerate([*claims, raw_payload(VICTIM)])]
    batch = store.triage(records)
    assert records[-1] in [entry.record for entry in batch.fresh]  # the real story is processed
    assert batch.skipped("article") == 1  # the claim sent twice is one article
    assert article_id(VICTIM["title"], VICTIM["body"], VICTIM_URL) in batch.ids[0]


def test_the_same_story_sent_again_is_still_a_duplicate():
    store = SeenStore(Settings(), skip_duplicates=True)
    records = [Incoming(raw_payload({**VICTIM, "id": sender}), "raw", 0, offset, None)
               for offset, sender in enumerate(["a", "b"])]
    assert store.triage(records).skipped("article") == 1


@pytest.mark.parametrize("escaped", [
    '{"title": "T", "body": "before\\u0000after"}',
    '{"title": "T\\u0000", "body": "clean"}',
    '{"title": "T", "body": "clean", "id": "x\\u0000"}',
    '{"title": "T", "body": "' + "\\u0001\\u0002" * 10 + '"}',
    '{"title": "T", "body": "clean", "url": "' + "\\u0007" * 9 + '"}',
])
def test_control_characters_escaped_in_json_are_refused_as_binary(escaped):
    with pytest.raises(BadArticle) as caught:
        from_message(escaped.encode())
    assert caught.value.reason == "binary"


def test_text_with_a_few_control_characters_still_passes_as_raw_bytes_do():
    body = "A line\\twith a tab\\fand a form feed, and one \\u0007 bell, in a longer text."
    assert from_message(('{"title": "T", "body": "' + body + '"}').encode()).body.count("\a") == 1
