"""Choose the scorer's thresholds on train alone: 5-fold cross-validation by article, each
fold's articles extracted with the scorer trained on the other four, every (MIN_PRECISION,
SURE_PRECISION) pair scored with shared/eval/score_quotes.py; the dev split, when given, is
extracted with the scorer trained on all of train, for the record, never to choose.

Usage: python bench/quotes/cross_validate.py /tmp/polnear_train.spacy /work/shared/data/polnear/train \
           [--dev /tmp/polnear_dev.spacy /work/shared/data/polnear/dev] [--thresholds 0.33,0.45 0.3,0.45]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from unittest import mock

import gold as gold_data
import newsflow.core.quotes as quotes
import train_scorer
from newsflow.core.quotes import scorer

FOLDS = 5
SCORER = Path(__file__).parents[3] / "shared/eval/score_quotes.py"


def fold_of(name: str) -> int:
    return zlib.crc32(name.encode()) % FOLDS


def extract(docbin: Path, model_for, thresholds: tuple[float, float]) -> str:
    """The predictions JSONL of a split, each article scored by ``model_for(name)``."""
    with (tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out,
          mock.patch.object(quotes, "MIN_PRECISION", thresholds[0]),
          mock.patch.object(quotes, "SURE_PRECISION", thresholds[1])):
        for doc in gold_data.parsed(docbin):
            name = doc.user_data["name"]
            with mock.patch.object(scorer, "_weights", lambda: model_for(name)):
                out.write(json.dumps({"id": name, "quotes": quotes.extract_quotes(doc), "entities": []}) + "\n")
    return out.name


def figures(corpus: Path, predictions: str) -> str:
    run = subprocess.run([sys.executable, str(SCORER), "--corpus", str(corpus), "--predictions", predictions],
                         capture_output=True, text=True, check=True)
    return "\n".join(line for line in run.stdout.splitlines() if line.startswith(("subset", "all", "direct")))


def main(docbin: Path, corpus: Path, dev: list[Path] | None, thresholds: list[tuple[float, float]]) -> None:
    rows = list(train_scorer.candidates(docbin, corpus))
    models = [train_scorer.fit([r for r in rows if fold_of(r.name) != k]) for k in range(FOLDS)]
    full = train_scorer.fit(rows) if dev else None
    for pair in thresholds:
        print(f"== MIN_PRECISION {pair[0]}, SURE_PRECISION {pair[1]}\ntrain, {FOLDS}-fold CV")
        print(figures(corpus, extract(docbin, lambda name: models[fold_of(name)], pair)))
        if dev:
            print("dev, trained on all of train")
            print(figures(dev[1], extract(dev[0], lambda name: full, pair)))


if __name__ == "__main__":
    parser = gold_data.arguments(__doc__)
    parser.add_argument("--dev", nargs=2, type=Path, metavar=("DOCBIN", "CORPUS"))
    parser.add_argument("--thresholds", nargs="+", default=["0.33,0.45"], help="MIN,SURE pairs")
    args = parser.parse_args()
    main(args.docbin, args.corpus, args.dev, [tuple(float(x) for x in t.split(",")) for t in args.thresholds])
