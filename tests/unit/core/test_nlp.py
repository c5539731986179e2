"""Loading the pipeline: clear errors for a missing model or one that lacks components."""

from __future__ import annotations

import pytest
import spacy

from newsflow.core import nlp


def test_missing_model_names_the_package_to_install():
    with pytest.raises(RuntimeError, match="not installed"):
        nlp.load_pipeline("no_such_model_anywhere")


def test_model_without_a_parser_is_refused(tmp_path):
    stripped = spacy.load(nlp.DEFAULT_MODEL, exclude=["parser"])
    stripped.to_disk(tmp_path / "no_parser")
    with pytest.raises(RuntimeError, match="lacks the components parser"):
        nlp.load_pipeline(str(tmp_path / "no_parser"))


def test_a_line_break_ends_the_sentence():
    """The model alone runs a headline without a stop into the paragraph after it."""
    text = "Ex-CIA chief Petraeus testifies Benghazi attack was terrorism\nThe hearing was closed but King spoke."
    assert [s.text.strip() for s in nlp.load_pipeline()(text).sents] == [
        "Ex-CIA chief Petraeus testifies Benghazi attack was terrorism",
        "The hearing was closed but King spoke.",
    ]


@pytest.mark.parametrize(
    "text, glued",
    [
        ('Clinton:"We learned it at 10:30."', ["Clinton", ":", '"', "We"]),
        ("“We will wait,”he said.", ["wait", ",", "”", "he"]),
        ("He left.“We will go.”", ["left", ".", "“", "We"]),
    ],
)
def test_a_quotation_mark_glued_to_words_is_a_token_of_its_own(text, glued):
    words = [t.text for t in nlp.load_pipeline()(text)]
    assert any(words[i : i + len(glued)] == glued for i in range(len(words)))
    assert "10:30" in words or "10:30" not in text


def test_a_wire_dateline_is_a_sentence_of_its_own():
    """Run into the first sentence, the dateline's place was the subject of its verb."""
    doc = nlp.load_pipeline()("LONDON (Reuters) - Prime Minister Keir Starmer said on Tuesday that talks failed.")
    prime = next(tok for tok in doc if tok.text == "Prime")
    assert prime.is_sent_start
    assert all(tok.head.i >= prime.i for tok in doc[prime.i :])
