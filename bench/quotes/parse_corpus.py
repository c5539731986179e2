"""Parse a PolNeAR split once into a DocBin so cue mining can be re-run without spaCy.

A DocBin does not keep tok2vec's tensor, which the attribution scorer reads; each doc keeps
it in its user data instead (float16), and :func:`gold.parsed` puts it back."""

from __future__ import annotations

import argparse
from pathlib import Path

from spacy.tokens import DocBin

from newsflow.core.nlp import load_pipeline


def main(corpus: Path, out: Path) -> None:
    names = sorted(p.stem for p in (corpus / "text").glob("*.txt"))
    texts = [(corpus / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    nlp = load_pipeline()
    bin_ = DocBin(store_user_data=True)
    for name, doc in zip(names, nlp.pipe(texts, batch_size=16, n_process=2)):
        doc.user_data["name"] = name
        doc.user_data["tensor"] = doc.tensor.astype("float16").tobytes()
        bin_.add(doc)
    bin_.to_disk(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a PolNeAR split (text/ and annotations)")
    parser.add_argument("out", type=Path, help="the .spacy file to write")
    args = parser.parse_args()
    main(args.corpus, args.out)
