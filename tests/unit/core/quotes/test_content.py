"""What was said (quotes/content.py): a content grown to its quotations, the reporter's
asides and glosses cut off, and the quote's type."""

from __future__ import annotations

import pytest

from tests.unit.core.quotes.conftest import one, quotes


def test_gloss_after_quote_closed_on_comma_is_left_out():
    text = 'Trump said that he has "expanded the Republican party," claiming that turnout rose.'
    q = one(quotes(text), "expanded")
    assert q["text"].endswith('party,"')
    assert q["type"] == "direct"


@pytest.mark.parametrize(
    "text, content",
    [
        (
            "Beck has called the Texas senator “the next George Washington” – the Founding Father whom Beck idolizes.",
            "the Texas senator “the next George Washington”",
        ),
        (
            'Rubio said that "every candidate on the stage" - including Cruz - favored some sort of legalization.',
            'that "every candidate on the stage" - including Cruz - favored some sort of legalization',
        ),
    ],
)
def test_dash_after_the_last_quote_opens_an_aside_unless_it_closes_again(text, content):
    assert [q["text"] for q in quotes(text)] == [content]


def test_multi_sentence_quote_after_colon_cue():
    text = 'Governor Ann Lee told reporters: "We are ready. The money is there. We will act now."'
    q = one(quotes(text), "We are ready")
    assert "We will act now." in q["text"]
    assert q["type"] == "direct"
    assert q["speaker"]["name"] == "Ann Lee"


def test_mixed_quote():
    text = 'Anna Berg warned that the deal "could collapse at any moment" if prices rise again.'
    q = one(quotes(text), "could collapse")
    assert q["type"] == "mixed"
    assert q["speaker"]["name"] == "Anna Berg"
