"""Quotation-mark spans in raw text: the direct-speech evidence that needs no parse."""

from __future__ import annotations

import bisect
import re

# Straight and curly double quotes, guillemets, and the NYT's two apostrophes. Single marks quote only
# where no double ones do (headlines: Trump Says Cruz ‘Has To Come a Long Way’): an opener
# after a space or an opening bracket, closed by the first mark that is no elision or
# possessive (not followed by a letter or digit), as the PolNeAR scorer reads them.
_MARK = re.compile(r"''|[\"“”„«»‹›]")
_MARKUP = re.compile(r"</?[A-Za-z][^<>\n]*>")  # '<tweet author="@X">' left in scraped text
# German „…“ and French «…», ‹…› too: “ opens in English and closes in German, which
# the closing test below reads off its place ("„Wir sind bereit“, sagte er").
_OPENERS = {"“", "„", "«", "‹"}
_CLOSERS = {"”", "»", "›"}
# The single quotes of a paragraph, as the regex
#   (?:^|(?<=[\s(\[{—–-]))['‘](?!\s|\d\d(?:s|\b))(?:[^\n]*?[^\s])['’](?![\w])
# would find them: an opener matched by the first closer after it. Run as that regex, an
# opener without a closer reads the rest of the paragraph (" 'a" x 10,000: quadratic).
_SINGLE_OPENER = re.compile(r"(?:^|(?<=[\s(\[{—–-]))['‘](?!\s|\d\d(?:s|\b))")
_SINGLE_CLOSER = re.compile(r"(?<=[^\s])['’](?![\w])")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation, marks included. Quotes never cross a paragraph
    (newline); one still open at a paragraph's end runs to that end, the news convention
    for a quote continued in the next paragraph. The attribute values of markup tags
    are no quotations."""
    spans: list[tuple[int, int]] = []
    offset = 0
    text = _MARKUP.sub(lambda m: " " * len(m.group()), text)
    for para in text.split("\n"):
        double = _in_paragraph(para, offset)
        spans += double or _single(para, offset)
        offset += len(para) + 1
    return spans


def _single(para: str, offset: int) -> list[tuple[int, int]]:
    """Single-quoted spans of a paragraph without double quotes."""
    closers = [m.start() for m in _SINGLE_CLOSER.finditer(para)]
    spans = []
    end = 0
    for opener in _SINGLE_OPENER.finditer(para):
        if opener.start() < end:
            continue
        i = bisect.bisect_left(closers, opener.start() + 2)
        if i < len(closers):
            end = closers[i] + 1
            spans.append((offset + opener.start(), offset + end))
    return spans


def _in_paragraph(para: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    start = None
    for match in _MARK.finditer(para):
        mark, pos = match.group(), match.start()
        opening = mark in _OPENERS or (mark not in _CLOSERS and start is None)
        if opening and start is not None and _closes_here(para, pos, match.end()):
            opening = False  # 'the film “Frozen“ and': an opener typed for a closer
        elif not opening and start is None and _opens_here(para, pos, match.end()):
            opening = True
        if opening and start is None:
            start = pos
        elif not opening and start is not None:
            spans.append((offset + start, offset + match.end()))
            start = None
        elif opening:  # a second opener: the first one was never closed, restart here
            start = pos
    if start is not None and para[start:].strip() not in ("", "''", '"', "“", "„", "«", "‹"):
        spans.append((offset + start, offset + len(para.rstrip())))
    return spans


def _closes_here(para: str, pos: int, end: int) -> bool:
    """Whether a mark stands where a quote closes: right after a word or a stop, before a
    space, a stop or the line's end."""
    return pos > 0 and not para[pos - 1].isspace() and (end == len(para) or not para[end].isalnum())


def _opens_here(para: str, pos: int, end: int) -> bool:
    """Whether a mark stands where a quote opens: after a space or the line's start,
    right before a word."""
    return (pos == 0 or para[pos - 1].isspace()) and end < len(para) and para[end].isalnum()
