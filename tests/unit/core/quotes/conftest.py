"""What the quote tests share: the extractor run on a text (its spans checked against the
text), a quote picked by its words, and the seed article's quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow.core.nlp import load_pipeline
from newsflow.core.parse import from_seed_text
from newsflow.core.quotes import extract_quotes

ROOT = Path(__file__).parents[4]
SEED = ROOT / "seeds/000_310a264808ce774a.txt"


def quotes(text: str) -> list[dict]:
    found = extract_quotes(load_pipeline()(text))
    for q in found:
        for span in (q, q["speaker"], q["cue"], q["via"], *q["quoted"]):
            if span is not None:
                assert text[span["start"] : span["end"]] == span["text"]
        assert 0.0 <= q["confidence"] <= 1.0
    assert [q["start"] for q in found] == sorted(q["start"] for q in found)
    return found


def one(found: list[dict], words: str) -> dict:
    hits = [q for q in found if words in q["text"]]
    assert hits, f"no quote with {words!r} in {[q['text'] for q in found]}"
    return hits[0]


@pytest.fixture(scope="module")
def seed_quotes() -> list[dict]:
    article = from_seed_text(SEED.read_text(encoding="utf-8"))
    return extract_quotes(load_pipeline()(article.body))
