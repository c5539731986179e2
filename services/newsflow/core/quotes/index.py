"""Position indexes over one article for the quote extractor: each answers a question
about what lies between or near two offsets by bisection, where a scan of the text, the
cues or the attributions would cost the article's length once per quotation mark."""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from array import array

_PARAGRAPH_BREAK = re.compile(r"\n\s*")
_DASH = re.compile(r"[-–—]")


class TextIndex:
    """Line breaks, dashes and whitespace of a text, by offset."""

    def __init__(self, text: str):
        self.length = len(text)
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        breaks = list(_PARAGRAPH_BREAK.finditer(text))
        self._break_starts = [m.start() for m in breaks]
        self._break_ends = [m.end() for m in breaks]
        self._dashes = [m.start() for m in _DASH.finditer(text)]
        self._spaces = array("q", itertools.accumulate(map(str.isspace, text), initial=0))

    def solid(self, start: int, end: int) -> int:
        """Non-whitespace characters in [start, end), the unit of the PolNeAR overlap
        measures: ``len("".join(text[start:end].split()))``."""
        start, end = max(start, 0), min(end, self.length)
        if end <= start:
            return 0
        return (end - start) - (self._spaces[end] - self._spaces[start])

    def has_newline(self, start: int, end: int) -> bool:
        """Whether ``"\\n" in text[start:end]``."""
        i = bisect.bisect_left(self._newlines, start)
        return i < len(self._newlines) and self._newlines[i] < end

    def has_dash(self, start: int, end: int) -> bool:
        """Whether a hyphen or dash lies in [start, end)."""
        i = bisect.bisect_left(self._dashes, start)
        return i < len(self._dashes) and self._dashes[i] < end

    def paragraph_start(self, at: int) -> int:
        """``text.rfind("\\n", 0, at) + 1``."""
        i = bisect.bisect_left(self._newlines, at) - 1
        return self._newlines[i] + 1 if i >= 0 else 0

    def paragraph_end(self, at: int) -> int:
        """``text.find("\\n", at) % (len(text) + 1)``: the next line break, else the end."""
        i = bisect.bisect_left(self._newlines, at)
        return self._newlines[i] if i < len(self._newlines) else self.length

    def paragraph_breaks(self, start: int, end: int) -> int:
        """``len(re.findall(r"\\n\\s*", text[start:end]))``: the runs of whitespace with a
        line break in [start, end), one that [start, end) begins inside counted once."""
        if end <= start:
            return 0
        starts = self._break_starts
        count = bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)
        inside = bisect.bisect_left(starts, start) - 1
        if inside >= 0 and self._break_ends[inside] > start:
            count += self.has_newline(start, min(self._break_ends[inside], end))
        return count


class CuesInOrder:
    """Cues sorted by their token, for the cues within a range of tokens or characters."""

    def __init__(self, cues):
        self.cues = sorted(cues, key=lambda c: c.token.i)
        self._tokens = [c.token.i for c in self.cues]
        self._chars = [c.token.idx for c in self.cues]

    def in_tokens(self, start: int, end: int) -> list:
        """The cues whose token index is in [start, end), in text order."""
        return self.cues[bisect.bisect_left(self._tokens, start) : bisect.bisect_left(self._tokens, end)]

    def in_chars(self, start: int, end: int) -> list:
        """The cues whose token starts at a character in [start, end), in text order."""
        return self.cues[bisect.bisect_left(self._chars, start) : bisect.bisect_left(self._chars, end)]


class ByStart:
    """Attributions sorted by start (those with equal starts in the order they came),
    with the latest speaking cue before a position. Positions asked for must not go
    back (the quotation marks in text order); a start that moved is told with
    :meth:`moved`."""

    def __init__(self, attributions):
        self._order = itertools.count()
        self.items = sorted(attributions, key=lambda a: a.start)
        self._keys = [(a.start, next(self._order)) for a in self.items]
        self._pending: list = []  # (cue offset, key, attribution) not yet before the position
        self._latest = None  # (cue offset, key, attribution)
        for key, att in zip(self._keys, self.items):
            self._expect(key, att)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        return self.items[i]

    def insertion_point(self, start: int) -> int:
        """Where an attribution starting at ``start`` goes: after those starting there."""
        return bisect.bisect_right(self._keys, (start, float("inf")))

    def insert(self, att) -> None:
        key = (att.start, next(self._order))
        i = bisect.bisect_right(self._keys, key)
        self._keys.insert(i, key)
        self.items.insert(i, att)
        self._expect(key, att)

    def before(self, at: int):
        """The attribution starting last before ``at`` (the first of those starting there)."""
        i = bisect.bisect_left(self._keys, (at, -1)) - 1
        if i < 0:
            return None
        return self.items[bisect.bisect_left(self._keys, (self._keys[i][0], -1))]

    def moved(self, att, old_start: int) -> None:
        """Re-sorts an attribution whose start changed from ``old_start``."""
        if att.start == old_start:
            return
        i = bisect.bisect_left(self._keys, (old_start, -1))
        while self.items[i] is not att:
            i += 1
        _, order = self._keys.pop(i)
        self.items.pop(i)
        key = (att.start, order)
        j = bisect.bisect_right(self._keys, key)
        self._keys.insert(j, key)
        self.items.insert(j, att)

    def latest_spoken(self, before: int):
        """Of the attributions with a cue and a speaker whose cue starts before
        ``before``, the one whose cue starts last (the first of equal ones)."""
        while self._pending and self._pending[0][0] < before:
            found = heapq.heappop(self._pending)
            if self._latest is None or found[0] > self._latest[0] or (
                found[0] == self._latest[0] and found[1] < self._latest[1]
            ):
                self._latest = found
        return self._latest[2] if self._latest is not None else None

    def _expect(self, key, att) -> None:
        if att.cue is not None and att.source is not None:
            heapq.heappush(self._pending, (att.cue.token.idx, key, att))
