"""The quote extractor's position indexes answer as the scans they replace."""

from __future__ import annotations

import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.core.quotes.index import ByStart, TextIndex

texts = st.text(alphabet="\n \t\xa0a.-—", max_size=40)
offsets = st.integers(0, 45)


@settings(max_examples=300)
@given(texts, offsets, offsets)
def test_text_index_answers_as_the_scans(text, a, b):
    index = TextIndex(text)
    assert index.solid(a, b) == len("".join(text[a:b].split()))
    assert index.paragraph_breaks(a, b) == len(re.compile(r"\n\s*").findall(text, a, b))
    assert index.has_newline(a, b) == ("\n" in text[a:b])
    assert index.has_dash(a, b) == any(c in "-–—" for c in text[a:b])
    if a <= len(text):
        assert index.paragraph_start(a) == text.rfind("\n", 0, a) + 1
        assert index.paragraph_end(a) == text.find("\n", a) % (len(text) + 1)


def attribution(start: int, cue_at: int | None = None) -> SimpleNamespace:
    cue = None if cue_at is None else SimpleNamespace(token=SimpleNamespace(idx=cue_at))
    return SimpleNamespace(start=start, end=start + 5, cue=cue, source=(0, 1) if cue else None)


@given(st.lists(st.tuples(st.integers(0, 30), st.none() | st.integers(0, 30)), max_size=12),
       st.lists(st.integers(0, 35), max_size=6))
def test_by_start_finds_what_a_scan_finds(items, positions):
    atts = [attribution(start, cue) for start, cue in items]
    placed = ByStart(atts)
    ordered = sorted(atts, key=lambda a: a.start)
    assert placed.items == ordered
    for at in sorted(positions):
        before = [a for a in ordered if a.start < at]
        assert placed.before(at) is max(before, key=lambda a: a.start, default=None)
        spoken = [a for a in ordered if a.cue is not None and a.cue.token.idx < at]
        assert placed.latest_spoken(at) is max(spoken, key=lambda a: a.cue.token.idx, default=None)
