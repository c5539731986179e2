"""Sorted, disjoint spans of a text, and those overlapping a range, by bisection."""

from __future__ import annotations

import bisect

Span = tuple  # (start, end, ...): compared as tuples, sorted by start


def overlapping(spans: list[Span], start: int, end: int) -> list[Span]:
    """The spans of ``spans`` (sorted and disjoint) that overlap [start, end), in order."""
    i = bisect.bisect_left(spans, (start, -1))
    if i > 0:
        i -= 1
    out = []
    while i < len(spans) and spans[i][0] < end:
        if spans[i][1] > start:
            out.append(spans[i])
        i += 1
    return out
