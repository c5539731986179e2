"""Canonical entities: grouping, labels, roles, aliases, salience and quote-speaker linking."""

from __future__ import annotations

import json

import pytest

from newsflow.core.article import Article
from newsflow.core.enrich import Enricher
from newsflow.core.entities import aliases as entity_aliases
from newsflow.core.entities import NUMERIC_LABELS, canonicalize, salience
from newsflow.core.entities.names import clean_name
from newsflow.core.errors import AliasTableError
from newsflow.core.nlp import load_pipeline
from newsflow.topics import messages


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def with_ents(nlp, text: str, ents: list[tuple[str, str]]):
    """``text`` parsed, its entities set by hand: (exact text, label), each at its next
    occurrence, so tests don't depend on what the small model happens to tag."""
    doc = nlp(text)
    spans, pos = [], 0
    for words, label in ents:
        start = text.index(words, pos)
        spans.append(doc.char_span(start, start + len(words), label=label))
        pos = start + len(words)
    doc.ents = spans
    return doc


def by_name(canonical: list[dict]) -> dict[str, dict]:
    return {e["name"]: e for e in canonical}


@pytest.mark.parametrize(
    ("text", "name"),
    [("the US'", "US"), ("Russia's", "Russia"), ("The Kremlin", "Kremlin"), ("Peskov’s", "Peskov"),
     ("U.S.", "U.S."), ("Theresa May", "Theresa May"), ("Jones'", "Jones")],
)
def test_clean_name_drops_article_and_possessive(text, name):
    assert clean_name(text) == name


def test_surname_joins_full_name_and_label_follows_the_full_name(nlp):
    text = "Dmitry Peskov spoke on Monday. Peskov said no. Later Peskov left. Peskov smiled."
    doc = with_ents(nlp, text, [("Dmitry Peskov", "PERSON"), ("Peskov", "ORG"), ("Peskov", "ORG"), ("Peskov", "GPE")])
    mentions, canonical = canonicalize(doc, "", [])
    assert [(e["name"], e["label"], e["count"]) for e in canonical] == [("Dmitry Peskov", "PERSON", 4)]
    assert {m["canonical"] for m in mentions if m["label"] not in NUMERIC_LABELS} == {"Dmitry Peskov"}
    assert all(m["label"] == "PERSON" for m in mentions if m["canonical"] == "Dmitry Peskov")


def test_short_form_joins_organisation_and_majority_label_wins(nlp):
    text = "MIC Izvestia reported it. MIC Izvestia added more. According to MIC Izvestia and Izvestia, yes."
    doc = with_ents(
        nlp, text,
        [("MIC Izvestia", "ORG"), ("MIC Izvestia", "ORG"), ("MIC Izvestia", "PERSON"), ("Izvestia", "GPE")],
    )
    _, canonical = canonicalize(doc, "", [])
    assert [(e["name"], e["label"], e["count"]) for e in canonical] == [("MIC Izvestia", "ORG", 4)]


def test_a_name_in_the_alias_table_is_no_short_form(nlp):
    text = "The New Russia party met. Russia said no."
    doc = with_ents(nlp, text, [("New Russia", "ORG"), ("Russia", "GPE")])
    _, canonical = canonicalize(doc, "", [])
    assert sorted(e["name"] for e in canonical) == ["New Russia", "Russia"]


def test_two_people_stay_apart(nlp):
    text = "Angela Merkel met Emmanuel Macron in Berlin. Merkel said Macron was right."
    doc = with_ents(
        nlp, text,
        [("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON"), ("Berlin", "GPE"),
         ("Merkel", "PERSON"), ("Macron", "PERSON")],
    )
    _, canonical = canonicalize(doc, "", [])
    names = by_name(canonical)
    assert set(names) == {"Angela Merkel", "Emmanuel Macron", "Berlin"}
    assert names["Angela Merkel"]["count"] == names["Emmanuel Macron"]["count"] == 2


def test_alias_table_groups_and_normalizes_without_touching_spans(nlp):
    text = "Talks with the United States went on, the US' envoy said, and Kiev and Kyiv agreed."
    doc = with_ents(
        nlp, text,
        [("the United States", "GPE"), ("US", "GPE"), ("Kiev", "PERSON"), ("Kyiv", "GPE")],
    )
    mentions, canonical = canonicalize(doc, "", [])
    names = by_name(canonical)
    assert names["United States"]["normalized"] == "United States"
    assert [m["text"] for m in names["United States"]["mentions"]] == ["the United States", "US"]
    kyiv = next(e for e in canonical if e["normalized"] == "Kyiv")
    assert kyiv["count"] == 2 and kyiv["label"] == "GPE"  # the table's label beats the model's
    assert all(doc.text[m["start"]:m["end"]] == m["text"] for m in mentions)
    assert {m["normalized"] for m in mentions} == {"United States", "Kyiv"}


def test_user_alias_file_extends_the_shipped_table(tmp_path):
    extra = tmp_path / "aliases.json"
    extra.write_text(json.dumps({"Gazprom": {"label": "ORG", "aliases": ["Gazprom PJSC"]}}))
    table = entity_aliases.load(extra)
    assert table.normalize("Gazprom PJSC") == "Gazprom"
    assert table.label("Gazprom") == "ORG"
    assert table.normalize("U.S.") == "United States"  # shipped entries are kept
    assert table.normalize("us") == "us"  # a pronoun is never an alias


def test_the_enricher_takes_an_extra_alias_table_and_refuses_a_bad_one_at_load(tmp_path):
    extra = tmp_path / "aliases.json"
    extra.write_text(json.dumps({"Rosneft": {"label": "ORG", "aliases": ["Rosneft Oil"]}}))
    article = Article(id="a", title="", body="Rosneft said on Monday that Rosneft Oil would pay.")
    canonical = Enricher.load(aliases=extra).enrich(article)["canonical_entities"]
    assert [(e["normalized"], e["count"]) for e in canonical] == [("Rosneft", 2)]
    assert len(Enricher.load().enrich(article)["canonical_entities"]) == 2  # the shipped table alone
    (tmp_path / "broken.json").write_text("[1, 2]")
    with pytest.raises(AliasTableError, match="broken.json"):
        Enricher.load(aliases=tmp_path / "broken.json")


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        ("Kremlin spokesman Dmitry Peskov said talks would go on.", "Dmitry Peskov", "Kremlin spokesman"),
        ("Dmitry Peskov, the Kremlin spokesman, said talks would go on.", "Dmitry Peskov", "Kremlin spokesman"),
        ("US Secretary of State Marco Rubio met him on Friday.", "Marco Rubio", "US Secretary of State"),
        ("Mr Lavrov arrived in Kuala Lumpur.", "Lavrov", None),
    ],
)
def test_role_from_premodifier_or_appositive(nlp, text, person, role):
    _, canonical = canonicalize(with_ents(nlp, text, [(person, "PERSON")]), "", [])
    assert canonical[0]["role"] == role


def test_numbers_and_dates_are_mentions_but_not_canonical(nlp):
    text = "Rubio paid $5 million on July 3 to Rubio's lawyers."
    doc = with_ents(nlp, text, [("Rubio", "PERSON"), ("$5 million", "MONEY"), ("July 3", "DATE"), ("Rubio", "PERSON")])
    mentions, canonical = canonicalize(doc, "", [])
    assert [e["name"] for e in canonical] == ["Rubio"]
    money = next(m for m in mentions if m["label"] == "MONEY")
    assert money["canonical"] == money["text"] == "$5 million"
    assert [m["start"] for m in mentions] == sorted(m["start"] for m in mentions)


def test_salience_formula_and_title():
    assert salience(1.0, 0, 100, True) == 1.0
    assert salience(0.5, 50, 100, False) == pytest.approx(0.25 + 0.15)
    assert 0 <= salience(0.0, 99, 100, False) < 0.01


def test_title_and_frequency_raise_salience(nlp):
    text = "Rubio met Lavrov. Lavrov spoke. Lavrov left."
    doc = with_ents(nlp, text, [("Rubio", "PERSON"), ("Lavrov", "PERSON"), ("Lavrov", "PERSON"), ("Lavrov", "PERSON")])
    _, canonical = canonicalize(doc, "Lavrov's talks", [])
    names = by_name(canonical)
    assert names["Lavrov"]["in_title"] and not names["Rubio"]["in_title"]
    assert canonical[0]["name"] == "Lavrov"
    assert all(0 <= e["salience"] <= 1 for e in canonical)


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


def test_seed_canonical_entities(seed_enriched):
    canonical = seed_enriched["canonical_entities"]
    names = by_name(canonical)
    for name in ("Rubio", "Lavrov", "MIC Izvestia", "RT", "Russia", "Ukraine", "Kiev", "Moscow",
                 "Istanbul", "Kuala Lumpur"):
        assert name in names, name
    peskov = names["Dmitry Peskov"]
    assert peskov["label"] == "PERSON" and "spokesman" in peskov["role"] and peskov["count"] >= 5
    assert names["Kiev"]["normalized"] == "Kyiv" and names["Kiev"]["label"] == "GPE"
    assert names["Lavrov"]["label"] == "PERSON"
    assert names["RT"]["label"] == "ORG"
    us = next(e for e in canonical if e["normalized"] == "United States")
    assert us["name"] == "US"
    assert len(names) == len(canonical)  # one entity per name
    body = seed_enriched["body"]
    assert all(body[m["start"]:m["end"]] == m["text"] for m in seed_enriched["entities"])
    assert {m["canonical"] for m in seed_enriched["entities"] if m["label"] not in NUMERIC_LABELS} == set(names)


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
