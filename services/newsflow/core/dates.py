"""Date parsing shared by the parsers and the metadata: one place that calls dateparser."""

from __future__ import annotations

import datetime as dt
import re

import dateparser

_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
# A date line must look like a date before dateparser is asked: it accepts odd things
# ("now", "2 hours") that are not date lines.
_HAS_DIGIT_OR_MONTH = re.compile(
    r"\d|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b", re.I
)


def parse_date(text: str) -> dt.date | None:
    """The calendar date written in ``text`` ("Jul 14, 2025", "2025-07-14T10:00Z"), or None."""
    text = text.strip()
    if not text or len(text) > 64 or not _HAS_DIGIT_OR_MONTH.search(text):
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    parsed = dateparser.parse(text, languages=["en"], settings=_SETTINGS)
    if parsed is None or re.fullmatch(r"\d+", text):
        return None
    return parsed.date()
