"""A learned score for a cue's attribution: how likely it is right, from the parse around
it, where :func:`.lexicon.frame_precision` knows only the cue word and its frame.

A logistic regression over indicator features of the candidate (its frame and lemma, its
source's kind, its content's length and quotation marks, the cue's tense, negation and
modality; the dependency shape: the cue's relation and its head's part of speech, the
content's first word and its verbs, the source's word and its distance from the cue; the
lemma crossed with the quote type, the source's kind, its relation and tag; the words
beside the cue and its children's relations) plus the frame precision itself, and over the
contextual vectors tok2vec already computed for the parse (``doc.tensor``: the cue's, the
content's first and mean, the source's), trained on PolNeAR train by
bench/quotes/train_scorer.py; its weights are ``data/quote_scorer.json`` (a few thousand
numbers), applied here with numpy, without scikit-learn. A doc without a tensor (built by
hand) scores as if its vectors were the training mean. The score keeps the frame precision's
meaning (the share of such candidates that were right), so the stages' thresholds
(lexicon.MIN_PRECISION, SURE_PRECISION) stand."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import NamedTuple

import numpy
from spacy.tokens import Doc

from newsflow.core.quotes.cues import Cue
from newsflow.core.quotes.lexicon import frame_precision

WEIGHTS = Path(__file__).parents[1] / "data" / "quote_scorer.json"
_FIRST_PERSON = frozenset(("i", "we", "my", "our", "us", "me"))


def features(doc: Doc, cue: Cue, kind: str) -> dict[str, float]:
    """The candidate's features: ``kind`` is its content's quote type."""
    tok = cue.token
    lemma = tok.lemma_.lower()
    content = len(cue.content)
    found = {
        "prior": frame_precision(cue),
        f"frame={cue.frame}": 1.0,
        f"lemma={lemma}": 1.0,
        f"kind={kind}": 1.0,
        f"kind={kind}|frame={cue.frame}": 1.0,
        f"tag={tok.tag_}": 1.0,
        f"content={min(content.bit_length(), 7)}": 1.0,
        f"before={int(bool(cue.content) and cue.content[0] < tok.i)}": 1.0,
        f"source={_source_kind(doc, cue)}": 1.0,
    }
    base = cue.frame.split("-")[0]
    found[f"lemma={lemma}|frame={base}"] = 1.0
    found[f"dep={tok.dep_}|frame={base}"] = 1.0
    found[f"head={tok.head.pos_}|dep={tok.dep_}"] = 1.0
    if cue.content:
        first = doc[cue.content[0]]
        found[f"first={first.dep_}|{first.pos_}|frame={base}"] = 1.0
        verbs = sum(1 for i in cue.content if doc[i].pos_ in ("VERB", "AUX"))
        found[f"verbs={min(verbs, 3)}|frame={base}"] = 1.0
        found[f"gap={min(abs(cue.content[0] - tok.i), 9).bit_length()}"] = 1.0
    if cue.source:
        src = doc[cue.source[0] : cue.source[1]].root
        found[f"source={_source_kind(doc, cue)}|frame={base}"] = 1.0
        if src.pos_ == "PRON":
            found[f"pronoun={src.lower_}"] = 1.0
        else:
            found[f"srclemma={src.lemma_.lower()}"] = 1.0
        found[f"srcgap={min(abs(src.i - tok.i), 15).bit_length()}"] = 1.0
    for child in tok.children:
        if child.dep_ == "neg":
            found["negated"] = 1.0
        elif child.tag_ == "MD":
            found["modal"] = 1.0
    found.update(_context(doc, cue, kind))
    return found


def _context(doc: Doc, cue: Cue, kind: str) -> dict[str, float]:
    """The lemma crossed with what it reports and how, and the words around the cue."""
    tok = cue.token
    lemma = tok.lemma_.lower()
    base = cue.frame.split("-")[0]
    found = {
        f"lemma={lemma}|kind={kind}": 1.0,
        f"lemma={lemma}|source={_source_kind(doc, cue)}": 1.0,
        f"lemma={lemma}|dep={tok.dep_}": 1.0,
        f"lemma={lemma}|tag={tok.tag_}": 1.0,
        f"sentlen={min(len(tok.sent).bit_length(), 7)}": 1.0,
        f"sentroot={int(tok.sent.root == tok)}|frame={base}": 1.0,
    }
    if tok.head is not tok:
        found[f"headlemma={tok.head.lemma_.lower()}|dep={tok.dep_}"] = 1.0
    for child in tok.children:
        found[f"child={child.dep_}|frame={base}"] = 1.0
    if tok.i > 0:
        found[f"prev={doc[tok.i - 1].lower_}"] = 1.0
    if tok.i + 1 < len(doc):
        found[f"next={doc[tok.i + 1].lower_}"] = 1.0
    if cue.content:
        words = [doc[i] for i in cue.content]
        found[f"firstword={words[0].lower_}|frame={base}"] = 1.0
        if any(w.lower_ in _FIRST_PERSON for w in words):
            found["content_first_person"] = 1.0
        if any(w.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for w in words):
            found["content_has_ent"] = 1.0
        if any(w.tag_ == "MD" for w in words):
            found["content_modal"] = 1.0
    return found


def vectors(doc: Doc, cue: Cue) -> numpy.ndarray | None:
    """The candidate's contextual vectors, joined: the cue's, its content's first and
    mean, its source's head's (zeros without a source); None without a tensor."""
    tensor = doc.tensor
    if not cue.content or tensor.ndim != 2 or tensor.shape[0] != len(doc):
        return None
    content = list(cue.content)
    source = tensor[doc[cue.source[0] : cue.source[1]].root.i] if cue.source else numpy.zeros(tensor.shape[1], "float32")
    return numpy.concatenate([tensor[cue.token.i], tensor[content[0]], tensor[content].mean(0), source])


def _source_kind(doc: Doc, cue: Cue) -> str:
    if cue.source is None:
        return "none"
    span = doc[cue.source[0] : cue.source[1]]
    root = span.root
    return root.ent_type_ or root.pos_


class Model(NamedTuple):
    """The regression: its bias, indicator weights, and vector weights over the vectors
    less their training mean."""

    bias: float
    weights: dict[str, float]
    mean: numpy.ndarray
    dense: numpy.ndarray


@functools.cache
def _weights() -> Model:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    vector = data["vectors"]
    return Model(data["bias"], data["weights"], numpy.array(vector["mean"], "float32"), numpy.array(vector["weights"], "float32"))


def score(doc: Doc, cue: Cue, kind: str) -> float:
    """How likely the cue's attribution is right: the mean of the model's probability and
    the rules' frame precision. In 5-fold cross-validation on train the mean scored e2e F1
    0.652 all, 0.888 direct, the model alone 0.650 / 0.887 (with the first features); the
    mean keeps more of what the rules were built for (the rules' unit cases)."""
    model = _weights()
    found = features(doc, cue, kind)
    z = model.bias + sum(model.weights.get(name, 0.0) * value for name, value in found.items())
    vector = vectors(doc, cue)
    if vector is not None:
        z += float(model.dense @ (vector - model.mean))
    return (1.0 / (1.0 + math.exp(-z)) + found["prior"]) / 2
