"""Quotation-mark spans in raw text (quotes/marks.py)."""

from __future__ import annotations

import pytest

from newsflow.core.quotes.marks import quoted_spans


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "yes, we will" today.', ['"yes, we will"']),
        ("„Wir sind bereit“, sagte er. „Ja.“", ["„Wir sind bereit“", "„Ja.“"]),
        ("« Nous sommes prêts », a-t-il dit.", ["« Nous sommes prêts »"]),
        ("Il a dit ‹ non › hier.", ["‹ non ›"]),
        ("He said “yes, we will” today.", ["“yes, we will”"]),
        ("He said ''yes, we will'' today.", ["''yes, we will''"]),
        ("Trump's team didn't say. It's the '90s.", []),
        ('"Open to the end of the paragraph\n"Next one."', ['"Open to the end of the paragraph', '"Next one."']),
        ('."Stray period first," he said.', ['"Stray period first,"']),
        ("Trump: Cruz Has ‘To Come a Long Way’ On Ethanol", ["‘To Come a Long Way’"]),
        ("Sanders' aide says 'rock'n'roll is dead' in the '90s", ["'rock'n'roll is dead'"]),
        ("'Tis the season, don't 'em", []),
        ('He said "a ‘big’ win" today, aides\' view.', ['"a ‘big’ win"']),
        ("the film “Frozen“ and the books", ["“Frozen“"]),  # an opener typed for the closer
        ("“the best in the world“ and “the best in the Middle East.”", ["“the best in the world“", "“the best in the Middle East.”"]),
        ("He said ”no way” today.", ["”no way”"]),
        ("He said “yes and “no” today.", ["“no”"]),  # a second opener before a word restarts
        ('<tweet id="67213" author="@MissDBunker">Scanner: Farook</tweet> He said "yes."', ['"yes."']),
    ],
)
def test_quoted_spans(text, expected):
    assert [text[a:b] for a, b in quoted_spans(text)] == expected
