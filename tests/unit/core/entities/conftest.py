"""What the entity tests share: the pipeline, a parse with its entities set by hand, and
canonical entities by name."""

from __future__ import annotations

import pytest

from newsflow.core.nlp import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def with_ents(nlp, text: str, ents: list[tuple[str, str]]):
    """``text`` parsed, its entities set by hand: (exact text, label), each at its next
    occurrence, so tests don't depend on what the small model happens to tag."""
    doc = nlp(text)
    spans, pos = [], 0
    for words, label in ents:
        start = text.index(words, pos)
        spans.append(doc.char_span(start, start + len(words), label=label))
        pos = start + len(words)
    doc.ents = spans
    return doc


def by_name(canonical: list[dict]) -> dict[str, dict]:
    return {e["name"]: e for e in canonical}
