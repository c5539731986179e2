"""Mine how reliable each (frame, lemma) cue is: run the candidate finder over PolNeAR
train and count how often its content (and speaker) matches a gold attribution the way
score_quotes.py counts an end-to-end hit. Adds "frames" to data/quote_cues.json.

Usage: python bench/quotes/mine_frames.py /tmp/polnear_train.spacy /work/shared/data/polnear/train
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import spacy

from gold import arguments, parsed
from gold import load as load_gold
from newsflow.core.quotes.content import content_span
from newsflow.core.quotes.cues import find_cues
from newsflow.core.quotes.marks import quoted_spans

OUT = Path(__file__).parents[2] / "services/newsflow/core/data/quote_cues.json"
MIN_SEEN = 3


def nws(text: str, ranges) -> set[int]:
    return {i for a, b in ranges for i in range(a, b) if not text[i].isspace()}


def hit(text: str, content, source, golds) -> bool:
    """End-to-end hit: Jaccard >= 0.5 on content and the speaker overlaps the source."""
    pred = nws(text, [content])
    for g in golds:
        gold = nws(text, g["content"])
        if pred and len(pred & gold) / len(pred | gold) >= 0.5:
            if not g["source"] or (source and nws(text, [source]) & nws(text, g["source"])):
                return True
    return False


def main(docbin: Path, corpus: Path) -> None:
    nlp = spacy.blank("en")
    gold = load_gold(corpus)
    seen, good = Counter(), Counter()
    for doc in parsed(docbin, nlp.vocab):
        golds = gold.get(doc.user_data["name"], [])
        text = doc.text
        marks = quoted_spans(text)
        for cue in find_cues(doc, marks):
            if not cue.content:
                continue
            key = (cue.frame, cue.token.lemma_.lower())
            source = None
            if cue.source:
                span = doc[cue.source[0] : cue.source[1]]
                source = (span.start_char, span.end_char)
            seen[key] += 1
            good[key] += hit(text, content_span(doc, text, cue, marks), source, golds)
    frames: dict[str, dict[str, float]] = {}
    for (frame, lemma), n in sorted(seen.items()):
        if n >= MIN_SEEN:
            frames.setdefault(frame, {})[lemma] = round(good[(frame, lemma)] / (n + 1), 3)
    data = json.loads(OUT.read_text(encoding="utf-8"))
    data["frames"] = frames
    OUT.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    total = sum(seen.values())
    print(f"{total} candidates, {sum(good.values())} hits;", {f: len(v) for f, v in frames.items()})


if __name__ == "__main__":
    parser = arguments(__doc__)
    args = parser.parse_args()
    main(args.docbin, args.corpus)
