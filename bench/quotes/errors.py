"""Bucket the direct-subset errors of extract_quotes on a pre-parsed split, to see which
fix pays most: missed gold (no prediction near, one typed non-direct, one with J < 0.5),
false direct predictions, and wrong speakers.

Usage: python bench/quotes/errors.py /tmp/polnear_train.spacy /work/shared/data/polnear/train [bucket]
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

from newsflow.core.quotes import extract_quotes
from gold import arguments, parsed

sys.path.insert(0, str(Path(__file__).parents[3] / "shared/eval"))
import score_quotes as sq  # noqa: E402


def buckets(body: str, golds: list, preds: list[dict]):
    """(bucket, gold text, prediction text) for each direct-subset error of one article."""
    mask = sq.quoted_mask(body)
    gold = [g for g in golds if sq.is_direct(sq.nws(body, g.content), mask)]
    direct = [p for p in preds if p["type"] == "direct"]
    gsets = [sq.nws(body, g.content) for g in gold]
    psets = [sq.nws(body, [(p["start"], p["end"])]) for p in direct]
    pairs = sq.greedy_match(gsets, psets)
    used_g, used_p = {g for g, _, _ in pairs}, {p for _, p, _ in pairs}
    for gi, pi, _ in pairs:
        g, p = gold[gi], direct[pi]
        if g.source and not (sq.nws(body, g.source) & sq._span_set(body, p.get("speaker"))):
            who = "none" if p.get("speaker") is None else "wrong"
            yield f"speaker-{who}", _txt(body, g.source), (p.get("speaker") or {}).get("text")
    allsets = [sq.nws(body, [(p["start"], p["end"])]) for p in preds]
    for gi, g in enumerate(gold):
        if gi in used_g:
            continue
        best = max(range(len(preds)), key=lambda k: sq.jaccard(gsets[gi], allsets[k]), default=None)
        j = sq.jaccard(gsets[gi], allsets[best]) if best is not None else 0.0
        if j == 0:
            kind = "miss-none"
        elif j >= 0.5:
            kind = f"miss-typed-{preds[best]['type']}"
        else:
            kind = "miss-jaccard"
        yield kind, _txt(body, g.content), preds[best]["text"] if j else None
    for pi, p in enumerate(direct):
        if pi not in used_p:
            yield "false-direct", None, p["text"]


def _txt(body: str, spans) -> str:
    return " | ".join(body[a:b] for a, b in spans)


def main(docbin: Path, corpus: Path, show: str | None) -> None:
    arts = {a.id: a for a in sq.load_corpus(str(corpus))}
    counts = collections.Counter()
    for doc in parsed(docbin):
        art = arts[doc.user_data["name"]]
        for kind, gold, pred in buckets(art.body, art.gold, extract_quotes(doc)):
            counts[kind] += 1
            if kind == show:
                print(f"[{art.id}]\n  G: {gold!r}\n  P: {pred!r}")
    for kind, n in counts.most_common():
        print(f"{kind:24} {n}")


if __name__ == "__main__":
    parser = arguments(__doc__)
    parser.add_argument("bucket", nargs="?", help="print the errors of this bucket")
    args = parser.parse_args()
    main(args.docbin, args.corpus, args.bucket)
