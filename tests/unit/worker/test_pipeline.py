"""The worker's batch logic without Kafka: each input gives its outputs or exactly one
dead letter naming the reason and the source offset; one bad article never fails a batch."""

from __future__ import annotations

import base64

import orjson
import pytest
import spacy
from spacy.language import Language

from newsflow import metrics
from newsflow.core.enrich import Enricher
from newsflow.core.nlp import DEFAULT_MODEL
from newsflow.topics import validate
from newsflow.worker.pipeline import Incoming, process_batch

BOMB = "DETONATE-THE-PIPELINE"


@Language.component("newsflow_test_bomb")
def _bomb(doc):
    if BOMB in doc.text:
        raise RuntimeError("the NLP failed on this text")
    return doc


@pytest.fixture(scope="module")
def fragile_enricher() -> Enricher:
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("newsflow_test_bomb", first=True)
    return Enricher(nlp)


def record(payload: bytes, offset: int) -> Incoming:
    return Incoming(payload=payload, topic="raw", partition=0, offset=offset, timestamp=1.0)


def good(text: str) -> bytes:
    return orjson.dumps({"title": "T", "body": text})


def test_each_input_gives_enriched_output_or_one_dead_letter(fragile_enricher):
    inputs = [
        good('The minister said, "We will act." Then he left.'),
        b"{broken",
        good(f"A text that says {BOMB} to the NLP."),
        good("Another fine article about Paris."),
        b"\x00\x01",
        orjson.dumps({"title": "T", "body": "x" * 5000}),
    ]
    out = process_batch(fragile_enricher, [record(p, i) for i, p in enumerate(inputs)], max_bytes=4000)
    dead = [orjson.loads(m.value) for m in out if m.topic.role == "deadletter"]
    enriched = [orjson.loads(m.value) for m in out if m.topic.role == "enriched"]
    assert [d["source"]["offset"] for d in dead] == [1, 2, 4, 5]
    assert [d["reason"] for d in dead] == ["malformed_json", "enrichment_failed", "binary", "oversize"]
    assert [base64.b64decode(d["payload_b64"]) for d in dead] == [inputs[i] for i in (1, 2, 4, 5)]
    assert dead[1]["article_id"] is not None
    assert [e["body"][:11] for e in enriched] == ["The ministe", "Another fin"]
    for message in out:
        validate(orjson.loads(message.value))


def test_quote_and_entity_messages_follow_their_article(enricher):
    out = process_batch(enricher, [record(good('"We will act," the minister said.'), 7)], 10_000)
    roles = [m.topic.role for m in out]
    assert roles[0] == "enriched"
    assert roles.count("quotes") == 1
    article_id = orjson.loads(out[0].value)["id"]
    assert all(m.key == article_id for m in out if m.topic.role == "quotes")


def test_enriched_articles_are_counted_by_their_language(enricher):
    german = "Bundeskanzler Olaf Scholz sagte am Donnerstag, die Regierung werde im Juli handeln."
    out = process_batch(enricher, [record(good(german), 1), record(good('"We will act," the minister said.'), 2)], 10_000)
    enriched = [m for m in out if m.topic.role == "enriched"]
    assert [m.language for m in enriched] == ["de", "en"]
    before = metrics.ARTICLES_BY_LANGUAGE.labels("de")._value.get()
    for message in enriched:
        metrics.count_published(message)
    assert metrics.ARTICLES_BY_LANGUAGE.labels("de")._value.get() == before + 1
