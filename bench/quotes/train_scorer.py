"""Train the attribution scorer (core/quotes/scorer.py) on a parsed PolNeAR split: every
candidate cue's attribution, labelled right when its content matches a gold content (the
scorer's Jaccard >= 0.5 over non-space characters) and its source overlaps the gold's,
then a logistic regression (scikit-learn, L2, C below) over its indicator features and
its tok2vec vectors, whose weights are written as JSON. Deterministic (L-BFGS, no
sampling); ~2 minutes on one core for train.

Usage: python bench/quotes/train_scorer.py /tmp/polnear_train.spacy /work/shared/data/polnear/train \
           services/newsflow/core/data/quote_scorer.json
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy
from scipy import sparse

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

import gold as gold_data
from newsflow.core.quotes import scorer
from newsflow.core.quotes.content import content_span, quote_type
from newsflow.core.quotes.cues import find_cues, reports_nobody
from newsflow.core.quotes.index import TextIndex
from newsflow.core.quotes.marks import quoted_spans

C = 0.3  # L2 strength: rare lemmas get small weights, the frame precision carries them
MIN_COUNT = 3  # a feature seen fewer times on train gets no weight


def _solid(text: str, ranges) -> frozenset[int]:
    return frozenset(i for a, b in ranges for i in range(a, b) if not text[i].isspace())


class Candidate(NamedTuple):
    """One candidate attribution of the split: its article, indicator features, contextual
    vectors (scorer.vectors) and whether it is right."""

    name: str
    features: dict[str, float]
    vector: numpy.ndarray
    right: bool


def candidates(docbin: Path, corpus: Path) -> Iterator[Candidate]:
    """Every candidate attribution of the split, in the order extract_quotes scores them."""
    golds = gold_data.load(corpus)
    for doc in gold_data.parsed(docbin):
        text = doc.text
        marks, index = quoted_spans(text), TextIndex(text)
        gold = [(_solid(text, g["content"]), _solid(text, g["source"])) for g in golds.get(doc.user_data["name"], [])]
        for cue in find_cues(doc, marks):
            if not cue.content or reports_nobody(doc, cue):
                continue
            start, end = content_span(doc, text, cue, marks, index)
            content = _solid(text, [(start, end)])
            source = _solid(text, [(doc[cue.source[0]].idx, doc[cue.source[1] - 1].idx + len(doc[cue.source[1] - 1]))]) if cue.source else frozenset()
            right = any(
                len(content & g) / len(content | g) >= 0.5 and (not gs or bool(source & gs))
                for g, gs in gold if content | g
            )
            vector = scorer.vectors(doc, cue)
            if vector is None:
                raise SystemExit(f"{docbin}: no tensor; parse the split again with bench/quotes/parse_corpus.py")
            yield Candidate(doc.user_data["name"], scorer.features(doc, cue, quote_type(index, start, end, marks)), vector, right)


def fit(rows: list[Candidate]) -> scorer.Model:
    """The logistic regression over the candidates' indicators and standardised vectors,
    its vector weights folded back to apply to the raw vectors less their mean."""
    counts: dict[str, int] = {}
    for row in rows:
        for name in row.features:
            counts[name] = counts.get(name, 0) + 1
    vectorizer = DictVectorizer()
    indicators = vectorizer.fit_transform([{k: v for k, v in r.features.items() if counts[k] >= MIN_COUNT} for r in rows])
    vectors = numpy.array([r.vector for r in rows], dtype="float64")
    mean, spread = vectors.mean(0), vectors.std(0) + 1e-6
    x = sparse.hstack([indicators, sparse.csr_matrix((vectors - mean) / spread)]).tocsr()
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=3000).fit(x, [int(r.right) for r in rows])
    coef = model.coef_[0]
    names = vectorizer.feature_names_
    weights = {name: round(float(w), 4) for name, w in zip(names, coef[: len(names)]) if abs(w) >= 1e-4}
    dense = numpy.round(coef[len(names):] / spread, 5)
    return scorer.Model(round(float(model.intercept_[0]), 4), weights, numpy.round(mean, 4).astype("float32"),
                        dense.astype("float32"))


def main(docbin: Path, corpus: Path, out: Path) -> None:
    rows = list(candidates(docbin, corpus))
    model = fit(rows)
    right = sum(r.right for r in rows)
    out.write_text(json.dumps({"about": __doc__.split("\n\n")[0], "trained_on": str(corpus.name), "C": C,
                               "candidates": len(rows), "right": right, "bias": model.bias,
                               "weights": dict(sorted(model.weights.items())),
                               "vectors": {"mean": model.mean.tolist(), "weights": model.dense.tolist()}},
                              indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(rows)} candidates, {right} right, {len(model.weights)} weights, {len(model.dense)} vector weights -> {out}")


if __name__ == "__main__":
    parser = gold_data.arguments(__doc__)
    parser.add_argument("out", type=Path, help="the weights JSON to write")
    args = parser.parse_args()
    main(args.docbin, args.corpus, args.out)
