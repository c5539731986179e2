"""The alias table (entities/aliases.py): grouping by it, and an extra table passed in."""

from __future__ import annotations

import json

import pytest

from newsflow.core.article import Article
from newsflow.core.enrich import Enricher
from newsflow.core.entities import canonicalize
from newsflow.core.entities import aliases as entity_aliases
from newsflow.core.errors import AliasTableError
from tests.unit.core.entities.conftest import by_name, with_ents


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
