"""Canonical entities (entities/__init__.py): grouping, labels and salience."""

from __future__ import annotations

import pytest

from newsflow.core.entities import NUMERIC_LABELS, canonicalize, salience
from tests.unit.core.entities.conftest import by_name, with_ents


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


def test_a_shouted_dateline_place_is_named_in_title_case_and_acronyms_stay(nlp):
    text = "LONDON (Reuters) - NATO met in NEW DELHI on Tuesday, and London said so."
    doc = with_ents(nlp, text, [("LONDON", "GPE"), ("Reuters", "ORG"), ("NATO", "ORG"), ("NEW DELHI", "GPE"),
                                ("London", "GPE")])
    mentions, canonical = canonicalize(doc, "", [])
    assert [(e["name"], e["count"]) for e in canonical if e["label"] == "GPE"] == [("London", 2), ("New Delhi", 1)]
    assert by_name(canonical)["NATO"]["id"] == "NATO"
    assert mentions[0]["canonical"] == "London" and mentions[0]["text"] == "LONDON"


def test_a_shouted_dateline_alone_still_names_its_place(nlp):
    text = "AUSTIN, Texas (AP) — The grid held up."
    doc = with_ents(nlp, text, [("AUSTIN", "GPE"), ("Texas", "GPE"), ("AP", "ORG")])
    _, canonical = canonicalize(doc, "", [])
    assert by_name(canonical)["Austin"]["id"] == "Austin"
