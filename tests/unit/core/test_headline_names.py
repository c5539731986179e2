"""A person's name in a title-cased headline ends before the headline's verb
(core/components/headline_names.py): "Ben Carson Defends" was a speaker and an entity."""

from __future__ import annotations

from newsflow.core.components.headline_names import headline_names, title_cased
from newsflow.core.entities import canonicalize
from newsflow.core.nlp import load_pipeline

from tests.unit.core.entities.conftest import by_name, with_ents


def test_headline_verb_is_not_part_of_the_name():
    doc = load_pipeline()("Maria Lopez Defends Her Budget Against Claims She Hid Costs\n\n"
                          "Mayor Maria Lopez said on Monday that the budget was balanced.")
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert people and all(name == "Maria Lopez" for name in people)
    _, canonical = canonicalize(doc, "", [])
    assert "Maria Lopez" in by_name(canonical)


def test_auxiliaries_are_cut_and_the_rest_is_the_name_the_article_uses():
    """'Grant May Not Have Voted': cut at 'Not', then to 'Grant' of 'Tom Grant'."""
    text = "Grant May Not Have Voted For The Farm Bill, But He Backed It\n\nTom Grant said he backed it."
    doc = headline_names(with_ents(load_pipeline(), text, [("Grant May Not Have Voted", "PERSON"),
                                                           ("Tom Grant", "PERSON")]))
    assert [e.text for e in doc.ents] == ["Grant", "Tom Grant"]


def test_names_outside_title_cased_sentences_are_left_alone():
    text = "The old show was called Anna Berg Says, and he watched it every night of the week."
    doc = headline_names(with_ents(load_pipeline(), text, [("Anna Berg Says", "PERSON")]))
    assert not title_cased(doc.ents[0].sent)
    assert [e.text for e in doc.ents] == ["Anna Berg Says"]


def test_a_full_name_in_a_headline_is_kept():
    text = "Vladimir Putin And Angela Merkel Discuss Gas Prices In Berlin\n\nThe leaders met."
    doc = headline_names(with_ents(load_pipeline(), text, [("Vladimir Putin", "PERSON"),
                                                           ("Angela Merkel", "PERSON")]))
    assert [e.text for e in doc.ents] == ["Vladimir Putin", "Angela Merkel"]


def test_a_verb_before_the_name_goes_and_the_name_the_article_uses_stays():
    text = "City Votes To Condemn Donald Trump’s Travel Plan\n\nDonald Trump did not answer."
    doc = headline_names(with_ents(load_pipeline(), text, [("Condemn Donald Trump’s Travel Plan", "PERSON"),
                                                           ("Donald Trump", "PERSON")]))
    assert [e.text for e in doc.ents] == ["Donald Trump", "Donald Trump"]


def test_a_surname_that_looks_plural_is_kept_without_evidence():
    """'Banks' is tagged as a plural proper noun, as 'Defends' is; nothing in the article
    says 'Elizabeth' alone is her name."""
    text = "Elizabeth Banks Joins The Cast Of A New Space Film\n\nThe film opens in June."
    doc = headline_names(with_ents(load_pipeline(), text, [("Elizabeth Banks", "PERSON")]))
    assert [e.text for e in doc.ents] == ["Elizabeth Banks"]
