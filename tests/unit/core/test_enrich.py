"""How the enricher feeds spaCy: a caller's batch cut into runs bounded by characters, a
long body into pieces parsed apart and joined."""

from __future__ import annotations

import pytest

from newsflow.core import enrich
from newsflow.core.article import Article
from newsflow.core.enrich import _runs
from newsflow.core.pieces import joined, pieces

PESKOV = "“We will go on,” Dmitry Peskov told reporters in Moscow on Monday.\n\nThe talks resume in Geneva."


def test_runs_keep_order_and_stay_under_the_character_and_token_bounds(enricher):
    docs = [(n, enricher.nlp.tokenizer("x" * size)) for n, size in enumerate([30, 30, 30, 100, 10, 50, 50])]
    docs += [(7, enricher.nlp.tokenizer("a " * 8)), (8, enricher.nlp.tokenizer("b"))]
    runs = list(_runs(iter(docs), 60, 8))
    assert [d for run in runs for d in run] == docs
    assert [[n for n, _ in run] for run in runs] == [[0, 1], [2], [3], [4, 5], [6], [7], [8]]


@pytest.mark.parametrize(
    "text, max_tokens, expected",
    [
        ("One two three.\n\nFour five.", 100, ["One two three.\n\n", "Four five."]),
        ("Aa bb. Cc dd ee. Ff gg hh.", 100, ["Aa bb. Cc dd ee. ", "Ff gg hh."]),
        ("aaaa bbbb cccc dddd eeee ffff gggg", 100, ["aaaa bbbb cccc dddd ", "eeee ffff gggg"]),
        ("a b c d e f g", 3, ["a b c ", "d e f ", "g"]),
        ("x" * 45, 100, ["x" * 45]),  # one token over the characters
        ("short", 100, ["short"]),
    ],
)
def test_pieces_cut_at_line_breaks_then_stops_then_whitespace(enricher, text, max_tokens, expected):
    assert [p.text for p in pieces(enricher.nlp.tokenizer(text), max_tokens, 20)] == expected


def test_pieces_are_bounded_and_join_back(enricher):
    text = ("A line.\n" + "word " * 30 + "\n\n" + "y" * 70 + " z.\r\n") * 5
    parts = pieces(enricher.nlp.tokenizer(text), 12, 50)
    assert "".join(p.text for p in parts) == text
    assert all(len(p) == 1 or (len(p) <= 12 and len(p.text) <= 50) for p in parts)


def test_a_body_parsed_in_pieces_keeps_its_text_and_offsets(enricher):
    body = ("“We will go on,” Dmitry Peskov told reporters in Moscow on Monday.\n\n"
            "The talks resume in Geneva. Nobody said when.   \n") * 40
    parts = pieces(enricher.nlp.tokenizer(body), 100, 500)
    doc = joined(list(enricher.nlp.pipe(parts)))
    assert doc.text == body and len(parts) > 10
    assert all(body[t.idx : t.idx + len(t)] == t.text for t in doc)
    assert all(body[e.start_char : e.end_char] == e.text for e in doc.ents)
    assert [e.text for e in doc.ents][:3] == ["Dmitry Peskov", "Moscow", "Monday"]
    assert all(s.root.head.i in range(s.start, s.end) for s in doc.sents)
    assert doc.tensor.shape[0] == len(doc)  # the attribution scorer reads each token's vector


@pytest.mark.parametrize(
    ("body", "language", "quote"),
    [("BERLIN — Bundeskanzler Olaf Scholz sagte am Donnerstag, die Regierung werde im Juli handeln. "
      "„Wir sind bereit“, sagte er. Die Opposition kritisierte den Plan am Freitag scharf.", "de", "„Wir sind bereit“"),
     ("PARIS — Le président Emmanuel Macron a déclaré jeudi que le gouvernement agirait en juillet. "
      "« Nous sommes prêts », a-t-il dit devant les journalistes.", "fr", "« Nous sommes prêts »")],
)
def test_an_article_in_another_language_gets_its_language_and_no_english_reading(enricher, body, language, quote):
    """The English model's reading of German is made up: 'Juli' and 'Donnerstag' as PERSON."""
    enriched = enricher.enrich(Article(id="x", title="", body=body))
    assert enriched["language"] == language
    assert enriched["entities"] == [] and enriched["canonical_entities"] == [] and enriched["dates"] == []
    assert [(q["text"], q["type"], q["speaker"], q["cue"]) for q in enriched["quotes"]] == [(quote, "direct", None, None)]
    assert enriched["dateline"]["place"] in ("Berlin", "Paris")


def test_an_english_article_is_read_as_english(enricher):
    enriched = enricher.enrich(Article(id="x", title="", body='"We are ready," Keir Starmer said on Tuesday.'))
    assert enriched["language"] == "en"
    assert [q["speaker"]["name"] for q in enriched["quotes"]] == ["Keir Starmer"]


def test_the_parse_keeps_the_vectors_the_attribution_scorer_reads(enricher):
    """Dropped, every article would score as a doc built by hand (dev e2e F1 0.668, not 0.674)."""
    (doc,) = list(enricher._parse([PESKOV]))
    assert doc.tensor.shape == (len(doc), 96)


def test_a_body_over_the_vector_bound_is_parsed_and_scored_without_vectors(enricher, monkeypatch):
    """The bound keeps a hostile body's memory where it was; its quotes are still found."""
    monkeypatch.setattr(enrich, "MAX_VECTOR_TOKENS", 10)
    short, long_ = list(enricher._parse(["Hi there.", PESKOV]))
    assert short.tensor.shape[0] == len(short) and long_.tensor.shape[0] == 0
    (quote,) = enricher.enrich(Article(id="a", title="", body=PESKOV))["quotes"]
    assert quote["speaker"]["name"] == "Dmitry Peskov"
