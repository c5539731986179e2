"""Mine the cue lexicon from PolNeAR train: for each (lemma, POS) the share of its
occurrences that head a gold Cue. Writes the "lemmas" of services/newsflow/core/data/quote_cues.json;
bench/quotes/mine_frames.py then adds the "frames".

Usage: python bench/quotes/mine_cues.py /tmp/polnear_train.spacy /work/shared/data/polnear/train
(the .spacy file comes from bench/quotes/parse_corpus.py).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import spacy

from gold import arguments, parsed
from gold import load as load_gold

OUT = Path(__file__).parents[2] / "services/newsflow/core/data/quote_cues.json"
MIN_CUES = 3
MIN_SHARE = 0.05
POS = {"VERB": "verb", "AUX": "verb", "NOUN": "noun", "PROPN": "noun"}


def _key(tok) -> tuple[str, str] | None:
    kind = POS.get(tok.pos_)
    return (tok.lemma_.lower(), kind) if kind else None


def _cue_head(doc, ranges):
    """The token heading a cue span: its first verb, else its first noun."""
    toks = [t for a, b in ranges for t in doc.char_span(a, b, alignment_mode="expand") or []]
    for kind in ("verb", "noun"):
        for tok in toks:
            if POS.get(tok.pos_) == kind:
                return tok
    return None


def main(docbin: Path, corpus: Path) -> None:
    nlp = spacy.blank("en")
    gold = load_gold(corpus)
    seen, cued = Counter(), Counter()
    for doc in parsed(docbin, nlp.vocab):
        heads = set()
        for rel in gold.get(doc.user_data["name"], []):
            if rel["cue"]:
                tok = _cue_head(doc, rel["cue"])
                if tok is not None:
                    heads.add(tok.i)
        for tok in doc:
            key = _key(tok)
            if key:
                seen[key] += 1
                cued[key] += tok.i in heads
    lexicon: dict[str, dict[str, list]] = {"verb": {}, "noun": {}}
    for (lemma, kind), n in sorted(cued.items()):
        share = n / seen[(lemma, kind)]
        if n >= MIN_CUES and share >= MIN_SHARE and lemma.isalpha():
            lexicon[kind][lemma] = [round(share, 3), n]
    OUT.write_text(json.dumps({"lemmas": lexicon}, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print({k: len(v) for k, v in lexicon.items()}, "->", OUT)


if __name__ == "__main__":
    parser = arguments(__doc__)
    args = parser.parse_args()
    main(args.docbin, args.corpus)
