"""Score canonical entities on the wire-copy gold set (tests/fixtures/wire/entities.jsonl:
short articles in wire style, each with its entities' canonical names and labels): precision
and recall of the names (exact, so "LONDON" for London is wrong) and of (name, label) pairs,
counted per article over its canonical entities.

Usage: python bench/entities/score_wire.py [tests/fixtures/wire/entities.jsonl]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsflow.core.article import Article
from newsflow.core.enrich import Enricher

GOLD = Path(__file__).parents[2] / "tests/fixtures/wire/entities.jsonl"


def scores(gold: Path) -> dict[str, float]:
    enricher = Enricher.load()
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {"names": [0, 0, 0], "labels": [0, 0, 0]}  # right, predicted, gold
    for row in rows:
        found = enricher.enrich(Article(id="wire", title="", body=row["body"]))["canonical_entities"]
        for kind, key in (("names", lambda e: e["name"]), ("labels", lambda e: (e["name"], e["label"]))):
            predicted, expected = {key(e) for e in found}, {key(e) for e in row["entities"]}
            counts[kind][0] += len(predicted & expected)
            counts[kind][1] += len(predicted)
            counts[kind][2] += len(expected)
    out = {"articles": len(rows)}
    for kind, (right, predicted, expected) in counts.items():
        out[f"{kind}_precision"] = round(right / predicted, 3) if predicted else 0.0
        out[f"{kind}_recall"] = round(right / expected, 3) if expected else 0.0
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, nargs="?", default=GOLD)
    print(json.dumps(scores(parser.parse_args().gold)))
