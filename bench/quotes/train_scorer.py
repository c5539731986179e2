"""Train the attribution scorer (core/quotes/scorer.py) on a parsed PolNeAR split: every
candidate cue's attribution, labelled right when its content matches a gold content (the
scorer's Jaccard >= 0.5 over non-space characters) and its source overlaps the gold's,
then a logistic regression (scikit-learn, L2, C below) whose weights are written as JSON.
Deterministic (L-BFGS, no sampling); ~1 minute on one core for train.

Usage: python bench/quotes/train_scorer.py /tmp/polnear_train.spacy /work/shared/data/polnear/train \
           services/newsflow/core/data/quote_scorer.json
"""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import DocBin

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


def candidates(docbin: Path, corpus: Path):
    """(features, right) for every candidate attribution of the split."""
    for _, feats, right in candidates_named(docbin, corpus):
        yield feats, right


def candidates_named(docbin: Path, corpus: Path):
    """(article name, features, right) for every candidate attribution of the split."""
    golds = gold_data.load(corpus)
    for doc in DocBin().from_disk(docbin).get_docs(spacy.blank("en").vocab):
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
            yield doc.user_data["name"], scorer.features(doc, cue, quote_type(index, start, end, marks)), right


def fit(rows: list[tuple[dict, bool]]) -> tuple[float, dict[str, float]]:
    """(bias, weights) of the logistic regression over (features, right) rows."""
    counts: dict[str, int] = {}
    for feats, _ in rows:
        for name in feats:
            counts[name] = counts.get(name, 0) + 1
    kept = [({k: v for k, v in f.items() if counts[k] >= MIN_COUNT}, y) for f, y in rows]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([f for f, _ in kept])
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=3000).fit(x, [int(r) for _, r in kept])
    weights = {name: round(float(w), 4) for name, w in zip(vectorizer.feature_names_, model.coef_[0]) if abs(w) >= 1e-4}
    return round(float(model.intercept_[0]), 4), weights


def main(docbin: Path, corpus: Path, out: Path) -> None:
    rows = list(candidates(docbin, corpus))
    bias, weights = fit(rows)
    right = sum(y for _, y in rows)
    out.write_text(json.dumps({"about": __doc__.split("\n\n")[0], "trained_on": str(corpus.name), "C": C,
                               "candidates": len(rows), "right": right,
                               "bias": bias, "weights": dict(sorted(weights.items()))},
                              indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(rows)} candidates, {right} right, {len(weights)} weights -> {out}")


if __name__ == "__main__":
    parser = gold_data.arguments(__doc__)
    parser.add_argument("out", type=Path, help="the weights JSON to write")
    args = parser.parse_args()
    main(args.docbin, args.corpus, args.out)
