"""How the enricher feeds spaCy: a caller's batch cut into runs bounded by characters, a
long body into pieces parsed apart and joined."""

from __future__ import annotations

import pytest

from newsflow.core.enrich import _runs
from newsflow.core.pieces import joined, pieces


def test_runs_keep_order_and_stay_under_the_character_bound():
    texts = ["x" * size for size in [30, 30, 30, 100, 10, 50, 50]]
    runs = _runs(texts, 60)
    assert [t for run in runs for t in run] == texts
    assert [[len(t) for t in run] for run in runs] == [[30, 30], [30], [100], [10, 50], [50]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("One two three.\n\nFour five.", ["One two three.\n\n", "Four five."]),
        ("Aa bb. Cc dd ee. Ff gg hh.", ["Aa bb. Cc dd ee. ", "Ff gg hh."]),
        ("aaaa bbbb cccc dddd eeee ffff gggg", ["aaaa bbbb cccc dddd ", "eeee ffff gggg"]),
        ("x" * 45, ["x" * 20, "x" * 20, "x" * 5]),
        ("short", ["short"]),
    ],
)
def test_pieces_cut_at_paragraphs_then_sentences_then_whitespace(text, expected):
    assert pieces(text, 20) == expected


def test_pieces_are_bounded_and_join_back():
    text = ("A line.\n" + "word " * 30 + "\n\n" + "y" * 70 + " z.\r\n") * 5
    parts = pieces(text, 50)
    assert "".join(parts) == text
    assert all(len(p) <= 50 for p in parts) and all(len(p) >= 25 for p in parts[:-1])


def test_a_body_parsed_in_pieces_keeps_its_text_and_offsets(enricher):
    body = ("“We will go on,” Dmitry Peskov told reporters in Moscow on Monday.\n\n"
            "The talks resume in Geneva. Nobody said when.   \n") * 40
    doc = joined(list(enricher.nlp.pipe(pieces(body, 500))))
    assert doc.text == body and len(pieces(body, 500)) > 4
    assert all(body[t.idx : t.idx + len(t)] == t.text for t in doc)
    assert all(body[e.start_char : e.end_char] == e.text for e in doc.ents)
    assert [e.text for e in doc.ents][:3] == ["Dmitry Peskov", "Moscow", "Monday"]
    assert all(s.root.head.i in range(s.start, s.end) for s in doc.sents)
