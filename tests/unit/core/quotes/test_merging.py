"""Attributions combined (quotes/merging.py): one per content, unsure ones only in the
gaps, nested statements, a demonstrative handing a statement to its author."""

from __future__ import annotations

from newsflow.core.nlp import load_pipeline
from newsflow.core.quotes.attribution import Attribution as _Attribution
from newsflow.core.quotes.cues import find_cues
from newsflow.core.quotes.marks import quoted_spans
from newsflow.core.quotes.merging import _restates
from tests.unit.core.quotes.conftest import one, quotes


def test_an_unsure_reading_of_the_tag_does_not_take_the_quote():
    text = (
        "NBC’s Chuck Todd asked the GOP frontrunner about the Twitter kerfuffle. "
        "“Did you know it was Mussolini?” Todd asked the real estate mogul."
    )
    found = quotes(text)
    q = one(found, "Mussolini")
    assert (q["text"], q["type"], q["speaker"]["text"]) == ("“Did you know it was Mussolini?”", "direct", "Todd")
    assert not [x for x in found if "mogul" in x["text"]]


def test_two_cues_over_the_same_words_are_one_attribution():
    found = quotes("Time ran a poll to survey readers as to who they would like to see as person of the year.")
    assert len({(q["start"], q["end"]) for q in found}) == len(found) >= 1


def test_nested_quote_stays_inside_the_outer_one():
    text = "\"He told me 'never again' and left,\" said Paula Brown, a neighbour."
    found = quotes(text)
    q = one(found, "He told me")
    assert q["speaker"]["name"] == "Paula Brown"
    assert len([x for x in found if x["type"] == "direct"]) == 1


def test_statement_nested_in_its_own_report_is_one_attribution():
    found = quotes('He said he hopes "somebody else takes up the cause" against Cruz in the fall.')
    assert [(q["text"], q["cue"]["text"]) for q in found] == [
        ('he hopes "somebody else takes up the cause" against Cruz in the fall', "said")
    ]


def test_statement_within_another_restates_it_unless_a_participle_makes_it():
    text = "Rubio said that he called Trump a con artist, adding that he meant it."
    doc = load_pipeline()(text)
    cues = {c.token.text: c for c in find_cues(doc, quoted_spans(text))}
    outer = _Attribution(text.index("that he called"), len(text) - 1, cues["said"], 0.8)
    called = _Attribution(text.index("Trump a con"), text.index(","), cues["called"], 0.6)
    adding = _Attribution(text.index("that he meant"), len(text) - 1, cues["adding"], 0.6)
    assert _restates(called, outer)
    assert not _restates(adding, outer)
    assert not _restates(outer, called)


def test_demonstrative_hands_statement_to_its_author():
    text = "Talks will resume in May, the agency reported. This was announced by minister Anna Berg."
    q = one(quotes(text), "Talks will resume")
    assert q["speaker"]["name"] == "Anna Berg"
    assert q["via"]["text"] == "the agency"
