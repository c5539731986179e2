"""Who a quote's speaker is (entities/speakers.py): a pronoun or surname resolved, and the
speaker linked to its canonical entity (name, role, id), as entity messages read it."""

from __future__ import annotations

import pytest

from newsflow.core.entities import canonicalize
from newsflow.topics import messages
from tests.unit.core.entities.conftest import by_name, with_ents
from tests.unit.core.quotes.conftest import one, quotes


def _peskov_doc(nlp):
    text = "Kremlin spokesman Dmitry Peskov spoke. Later, he said: \"We wait.\" Peskov added more."
    return with_ents(nlp, text, [("Kremlin", "ORG"), ("Dmitry Peskov", "PERSON"), ("Peskov", "PERSON")])


def test_resolved_pronoun_speaker_becomes_a_mention(nlp):
    doc = _peskov_doc(nlp)
    he = doc.text.index(" he ") + 1
    quote = {"text": "\"We wait.\"", "speaker": {"text": "he", "start": he, "end": he + 2,
                                                  "name": "Dmitry Peskov", "role": None}}
    mentions, canonical = canonicalize(doc, "", [quote])
    peskov = by_name(canonical)["Dmitry Peskov"]
    assert peskov["count"] == 3
    assert {"text": "he", "start": he, "end": he + 2} in peskov["mentions"]
    assert {"text": "he", "label": "PERSON", "start": he, "end": he + 2,
            "canonical": "Dmitry Peskov", "normalized": "Dmitry Peskov"} in mentions
    assert quote["speaker"]["name"] == "Dmitry Peskov"
    assert quote["speaker"]["role"] == "Kremlin spokesman"


def test_speaker_named_by_surname_or_span_gets_canonical_name(nlp):
    doc = _peskov_doc(nlp)
    last = doc.text.rindex("Peskov")
    by_surname = {"speaker": {"text": "Peskov", "start": last, "end": last + 6, "name": "Peskov", "role": "aide"}}
    whole = {"speaker": {"text": "Kremlin spokesman Dmitry Peskov", "start": 0, "end": 31,
                         "name": "Kremlin spokesman Dmitry Peskov", "role": None}}
    nobody = {"speaker": {"text": "We", "start": 0, "end": 0, "name": "Somebody Else", "role": None}}
    _, canonical = canonicalize(doc, "", [by_surname, whole, nobody, {"speaker": None}])
    assert by_surname["speaker"] == {"text": "Peskov", "start": last, "end": last + 6,
                                     "name": "Dmitry Peskov", "role": "aide"}
    assert whole["speaker"]["name"] == "Dmitry Peskov"  # the person, not the Kremlin
    assert nobody["speaker"]["name"] == "Somebody Else"
    assert by_name(canonical)["Dmitry Peskov"]["count"] == 2  # spans already mentions: no double count


def test_speaker_span_beats_a_name_ending_in_another_entity(nlp):
    text = "Dmitry Peskov of the Kremlin said: \"No.\""
    doc = with_ents(nlp, text, [("Dmitry Peskov", "PERSON"), ("Kremlin", "ORG")])
    quote = {"speaker": {"text": text[:28], "start": 0, "end": 28, "name": text[:28], "role": None}}
    canonicalize(doc, "", [quote])
    assert quote["speaker"]["name"] == "Dmitry Peskov"


def test_seed_quote_speakers_use_canonical_names(seed_enriched):
    names = {e["name"] for e in seed_enriched["canonical_entities"]}
    for quote in seed_enriched["quotes"]:
        speaker = quote["speaker"]
        if speaker and speaker["name"].split()[-1] in {n.split()[-1] for n in names}:
            assert speaker["name"] in names


def test_seed_resolved_pronoun_counts(enricher, seed_article):
    doc = enricher.nlp(seed_article.body)
    _, before = canonicalize(doc, seed_article.title, [])
    he = seed_article.body.index("he noted")
    quote = {"speaker": {"text": "he", "start": he, "end": he + 2, "name": "Dmitry Peskov", "role": None}}
    _, after = canonicalize(doc, seed_article.title, [quote])
    assert by_name(after)["Dmitry Peskov"]["count"] == by_name(before)["Dmitry Peskov"]["count"] + 1
    assert quote["speaker"]["role"] == by_name(after)["Dmitry Peskov"]["role"]


def test_seed_entity_ids_are_unique_and_name_the_speakers_entities(seed_enriched):
    canonical = seed_enriched["canonical_entities"]
    by_id = {e["id"]: e for e in canonical}
    assert len(by_id) == len(canonical)
    assert all(e["id"] == e["normalized"] for e in canonical)
    speakers = [q["speaker"] for q in seed_enriched["quotes"] if q["speaker"]]
    assert all(s["entity"] is None or by_id[s["entity"]]["name"] == s["name"] for s in speakers)
    assert {s["entity"] for s in speakers if s["name"] == "Dmitry Peskov"} == {"Dmitry Peskov"}


def test_an_entity_message_takes_its_quotes_by_the_speakers_entity_id():
    def quote(text: str, name: str, entity: str | None) -> dict:
        return {"text": text, "start": 0, "end": 1, "type": "direct",
                "speaker": {"text": name, "start": 0, "end": 1, "name": name, "role": None, "entity": entity}}

    entity = {"id": "Kyiv", "name": "Kiev", "normalized": "Kyiv", "label": "GPE", "role": None, "count": 1,
              "first": 0, "in_title": False, "salience": 1.0, "mentions": [{"text": "Kiev", "start": 0, "end": 4}]}
    enriched = {"id": "a", "title": "", "published": None, "canonical_entities": [entity],
                "quotes": [quote("A", "Kiev", "Kyiv"), quote("B", "Kiev", None), quote("C", "Kyiv officials", "Kyiv")]}
    (_, message), = messages.entity_messages(enriched)
    assert [q["text"] for q in message["quotes"]] == ["A", "C"]


def test_pronoun_resolves_to_subject_not_object():
    text = (
        "Senator Tom Hill met Governor Ray Diaz in Denver on Friday.\n"
        "He said the state needs more water."
    )
    q = one(quotes(text), "the state needs")
    assert q["speaker"]["text"] == "He"
    assert q["speaker"]["name"] == "Tom Hill"


def test_surname_expands_to_full_name():
    text = "Dmitry Peskov spoke on Monday. Peskov said that talks would continue."
    q = one(quotes(text), "talks would continue")
    assert q["speaker"]["text"] == "Peskov"
    assert q["speaker"]["name"] == "Dmitry Peskov"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [("It said the report was wrong.", "It"), ("He said that the numbers were off.", "He"),
     ("The official said the plan would fail.", "The official"), ("Officials said it failed. Two officials left.", "Officials")],
)
def test_a_pronoun_or_common_noun_speaker_has_no_name_and_keeps_its_span(nlp, text, speaker):
    (quote,) = quotes(text)
    assert quote["speaker"]["text"] == speaker
    canonicalize(nlp(text), "", [quote])
    assert quote["speaker"]["name"] is None and quote["speaker"]["entity"] is None
