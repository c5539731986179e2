"""The learned attribution scorer (quotes/scorer.py): trained on PolNeAR train only, its
score reads the parse around the cue, not only the cue word and frame."""

from __future__ import annotations

import json

from newsflow.core.nlp import load_pipeline
from newsflow.core.quotes import scorer
from newsflow.core.quotes.cues import find_cues
from newsflow.core.quotes.lexicon import MIN_PRECISION, frame_precision
from newsflow.core.quotes.marks import quoted_spans


def _said(text: str):
    doc = load_pipeline()(text)
    (cue,) = [c for c in find_cues(doc, quoted_spans(text)) if c.token.lemma_ == "say"]
    return doc, cue


def test_the_weights_come_from_train_only():
    data = json.loads(scorer.WEIGHTS.read_text(encoding="utf-8"))
    assert data["trained_on"] == "train" and len(data["weights"]) < 20000
    assert len(data["vectors"]["mean"]) == len(data["vectors"]["weights"]) == 4 * 96


def test_a_plain_report_scores_above_the_threshold_and_its_context_moves_the_score():
    doc, plain = _said("The senator said that the bill would pass.")
    doc_neg, negated = _said("The senator did not say that the bill would pass.")
    assert frame_precision(plain) == frame_precision(negated)  # the rules cannot tell them apart
    assert scorer.score(doc, plain, "indirect") >= MIN_PRECISION
    assert scorer.score(doc_neg, negated, "indirect") < scorer.score(doc, plain, "indirect")
    assert 0.0 <= scorer.score(doc_neg, negated, "indirect") <= 1.0


def test_the_score_reads_the_dependency_shape_and_the_source():
    doc, cue = _said("He said on Tuesday that the bridge would reopen.")
    found = scorer.features(doc, cue, "indirect")
    assert found["dep=ROOT|frame=ccomp"] == 1.0 and found["pronoun=he"] == 1.0
    assert any(name.startswith("first=") for name in found) and any(name.startswith("gap=") for name in found)


def test_the_score_reads_the_parse_vectors_and_a_doc_without_them_still_scores():
    """The same words on another day: the vectors tok2vec gives the words around the cue
    move the score; a doc built by hand (no tensor) scores from its indicators alone."""
    doc, cue = _said("The senator said that the bill would pass.")
    assert scorer.vectors(doc, cue).shape == (4 * 96,)
    with_vectors = scorer.score(doc, cue, "indirect")
    doc.tensor = doc.tensor[:0]
    assert scorer.vectors(doc, cue) is None
    without = scorer.score(doc, cue, "indirect")
    assert 0.0 <= without <= 1.0 and without != with_vectors
