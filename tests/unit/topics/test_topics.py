"""The topic registry and the JSON Schemas: every message we build validates, and the
schemas do reject what breaks the contract."""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import pytest
from jsonschema import ValidationError

from newsflow.topics import TOPICS, validate
from newsflow.topics import messages
from newsflow.topics.registry import TOPIC_MAX_BYTES
from newsflow.topics.validation import SCHEMA_DIR, problem


def test_every_topic_has_a_distinct_name_and_a_schema_file():
    names = [t.name("newsflow.") for t in TOPICS]
    assert len(set(names)) == len(names)
    for topic in TOPICS:
        schema = json.loads((SCHEMA_DIR / f"{topic.message}.schema.json").read_text())
        assert topic.schema_id in schema["title"]


def test_seed_messages_validate(seed_article, seed_enriched):
    validate(messages.raw_article(seed_article, 1.0))
    validate(messages.enriched_article(seed_enriched, 1.0))
    quotes = messages.quote_messages(seed_enriched)
    entities = messages.entity_messages(seed_enriched)
    assert quotes and entities
    for key, message in quotes + entities:
        validate(message)
        assert key
    assert {key for key, _ in quotes} == {seed_article.id}


def test_entity_messages_are_keyed_by_name_and_carry_their_quotes(seed_enriched):
    by_key = dict(messages.entity_messages(seed_enriched))
    speakers = {q["speaker"]["name"] for q in seed_enriched["quotes"] if q["speaker"]}
    for key, message in by_key.items():
        assert key == message["normalized"]
        assert all(
            any(q["start"] == s["start"] for s in seed_enriched["quotes"]) for q in message["quotes"]
        )
    attributed = {m["name"] for m in by_key.values() if m["quotes"]}
    assert attributed and attributed <= speakers


def test_dead_letter_keeps_the_original_bytes():
    payload = b"\x00\xffanything at all"
    letter = messages.dead_letter(
        reason="binary", detail="NUL", payload=payload, stage="worker",
        source={"topic": "t", "partition": 2, "offset": 41},
    )
    validate(letter)
    assert base64.b64decode(letter["payload_b64"]) == payload
    assert letter["size"] == len(payload) and letter["truncated"] is False


def test_dead_letter_of_the_largest_raw_record_fits_its_topic():
    payload = b"x" * TOPIC_MAX_BYTES  # the raw topic accepts this much
    letter = messages.dead_letter(
        reason="oversize", detail="big", payload=payload, stage="worker",
        source={"topic": "t", "partition": 0, "offset": 7},
    )
    validate(letter)
    assert len(messages.encode(letter)) < TOPIC_MAX_BYTES
    assert letter["truncated"] is True and letter["size"] == TOPIC_MAX_BYTES
    assert base64.b64decode(letter["payload_b64"]) == payload[:messages.KEPT_PAYLOAD_BYTES]
    assert letter["sha256"] == hashlib.sha256(payload).hexdigest()


@pytest.mark.parametrize(
    "breakage",
    [
        lambda m: m.pop("quotes"),
        lambda m: m.update(schema="enriched_article/99"),
        lambda m: m["quotes"][0].update(type="paraphrase"),
        lambda m: m["quotes"][0].update(start="12"),
        lambda m: m["entities"][0].pop("canonical"),
        lambda m: m.update(published="14/07/2025"),
    ],
)
def test_schema_rejects_broken_enriched_articles(seed_enriched, breakage):
    message = copy.deepcopy(messages.enriched_article(seed_enriched, None))
    assert problem(message) is None
    breakage(message)
    with pytest.raises(ValidationError):
        validate(message)
    assert problem(message)  # the fast check (jsonschema-rs) finds it too


def test_unknown_schema_is_an_error():
    with pytest.raises(ValueError):
        validate({"schema": "nothing/1"})
    assert "unknown message schema" in problem({"schema": "nothing/1"})
