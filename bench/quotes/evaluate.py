"""Score extract_quotes on a pre-parsed split without re-running spaCy: writes the
predictions JSONL and rescoring it with shared/eval/score_quotes.py --predictions.

Usage: python bench/quotes/evaluate.py /tmp/polnear_dev.spacy /work/shared/data/polnear/dev
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import spacy

from newsflow.core.quotes import extract_quotes
from gold import arguments, parsed

SCORER = Path(__file__).parents[3] / "shared/eval/score_quotes.py"


def main(docbin: Path, corpus: Path, scorer_args: list[str] = ()) -> None:
    nlp = spacy.blank("en")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for doc in parsed(docbin, nlp.vocab):
            row = {"id": doc.user_data["name"], "quotes": extract_quotes(doc), "entities": []}
            out.write(json.dumps(row) + "\n")
    subprocess.run([sys.executable, str(SCORER), "--corpus", str(corpus), "--predictions", out.name, *scorer_args],
                   check=True)


if __name__ == "__main__":
    parser = arguments(__doc__)
    parser.add_argument("scorer_args", nargs=argparse.REMAINDER, help="passed on to score_quotes.py")
    args = parser.parse_args()
    main(args.docbin, args.corpus, args.scorer_args)
