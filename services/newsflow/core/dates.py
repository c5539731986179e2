"""Date parsing shared by the parsers and the metadata: one place that calls dateparser."""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re

import dateparser

_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
# A date line must look like a date before dateparser is asked: it accepts odd things
# ("now", "2 hours") that are not date lines.
_HAS_DIGIT_OR_MONTH = re.compile(
    r"\d|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b", re.I
)

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+\d{4})"
# A written day of a month: "July 14", "Jul. 14, 2025", "14 July", "the 3rd of July".
DAY_OF_MONTH = (
    rf"(?:{MONTH}\s+{_DAY}\b{_YEAR}?|{_DAY}\s+(?:of\s+)?{MONTH}{_YEAR}?|\d{{4}}-\d{{2}}-\d{{2}})"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}
# The part of a date mention that names one day; dateparser alone also "resolves"
# spans like "last week" or "earlier this year" to a day, which they are not.
DAY_MENTION = re.compile(
    rf"(?<!\w)(?:{DAY_OF_MONTH}"
    rf"|(?:(?:last|this|next|past)\s+)?(?:{'|'.join(_WEEKDAYS)})"
    rf"|{'|'.join(_RELATIVE_DAYS)})(?!\w)",
    re.I,
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


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")


def parse_timestamp(text: str) -> dt.datetime | None:
    """The moment written in ``text`` when it has a time of day, with its UTC offset when
    it gives one: ISO 8601 ("2025-07-18T23:30:00-07:00", "...Z") or RFC 2822 as feeds
    write it ("Fri, 18 Jul 2025 23:30:00 -0700"). None for a date alone: a time of day
    is never made up."""
    text = text.strip()
    if not text or len(text) > 64:
        return None
    if _ISO_TIME.fullmatch(text):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


@functools.lru_cache(maxsize=4096)  # a stream repeats "Thursday" and "July 11" a lot
def resolve_day(text: str, base: dt.date | None) -> dt.date | None:
    """The day a :data:`DAY_MENTION` match means when written on ``base`` (the publish date).

    Weekdays are the latest such day on or before ``base`` ("next ..." the first after it),
    as news reports past events; a day of a month without a year takes the year that puts
    it closest to ``base``. Without ``base`` only dates that carry their year resolve, and
    a day that would fall outside the calendar (year 1 or 9999 ± days) does not.
    """
    try:
        return _resolve_day(text, base)
    except OverflowError:
        return None


def _resolve_day(text: str, base: dt.date | None) -> dt.date | None:
    words = text.lower().split()
    if words[-1] in _WEEKDAYS:
        if base is None:
            return None
        back = (base.weekday() - _WEEKDAYS.index(words[-1])) % 7
        if words[0] == "next":
            return base + dt.timedelta(days=7 - back)
        return base - dt.timedelta(days=back)
    if words[-1] in _RELATIVE_DAYS:
        return None if base is None else base + dt.timedelta(days=_RELATIVE_DAYS[words[-1]])
    has_year = re.search(r"\d{4}", text) is not None
    if base is None and not has_year:
        return None
    settings = {**_SETTINGS, "REQUIRE_PARTS": ["day", "month"]}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(base, dt.time())
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    if has_year or base is None:
        return day
    return min(_same_day_in(day, (base.year - 1, base.year, base.year + 1)), key=lambda d: abs(d - base))


def _same_day_in(day: dt.date, years: tuple[int, ...]) -> list[dt.date]:
    found = []
    for year in years:
        try:
            found.append(day.replace(year=year))
        except ValueError:  # 29 February in a common year
            pass
    return found
