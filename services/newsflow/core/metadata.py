"""Article metadata: publish date, dateline, dates mentioned in the body, language, word count."""

from __future__ import annotations

import datetime as dt
import re

from spacy.tokens import Doc

from newsflow.core.article import Article
from newsflow.core.dates import DAY_MENTION, DAY_OF_MONTH, resolve_day
from newsflow.core.casing import natural_case

_PLACE_WORD = r"[A-Z][A-Za-z.'’-]*"
_PLACE = rf"{_PLACE_WORD}(?:[ \t]+(?:(?:de|da|del|la|el|of|upon|am)[ \t]+)?{_PLACE_WORD}){{0,3}}"
# The wire forms: "Moscow [Russia], July 14 :", "WASHINGTON (Reuters) -",
# "LONDON, July 3 (AP) —", "NEW DELHI, India, July 3 (Reuters) --".
_DATELINE = re.compile(
    rf"""[ \t]*(?P<place>{_PLACE})
    (?:[ \t]*\[(?P<bracketed>[^\]\n]{{1,40}})\])?
    (?:,[ \t]*(?P<region>{_PLACE}))?
    (?:,?[ \t]*(?P<date>{DAY_OF_MONTH}))?
    (?:[ \t]*\((?P<agency>[^)\n]{{1,40}})\))?
    [ \t]*(?::|--|[-–—])(?=\s)""",
    re.X,
)
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
# A longer match is no dateline but a run of capitalised words (PolNeAR's longest: 34).
MAX_DATELINE_CHARS = 200
_DATELINE_TOKENS = 120


def describe(article: Article, doc: Doc, today: dt.date | None = None, language: str | None = None) -> dict:
    """The metadata fields of the enriched article.

    ``published`` is the article's own date, else its dateline's. Dates in the text are
    resolved against it (or ``today``, default the current date, when it has none); they
    are read off the model's entities, so only in the model's language: ``language``
    (the article's, default the model's) is another, the text has no ``dates``.
    """
    language = language or doc.lang_
    text = doc.text
    published = dt.date.fromisoformat(article.published) if article.published else None
    line = dateline(text, published or today or dt.date.today())
    if published is None and line is not None and line["date"] is not None:
        published = dt.date.fromisoformat(line["date"])
    return {
        "published": published.isoformat() if published else None,
        "dateline": line,
        "dates": mentioned_dates(doc, published) if language == doc.lang_ else [],
        "language": language,
        "word_count": len(_WORD.findall(text)),
    }


def dateline(text: str, base: dt.date) -> dict | None:
    """The dateline opening ``text`` ({place, date, text, start, end}), or None.

    To keep ordinary openings ("Update: ...") out, a place alone counts only when it is
    in capitals; otherwise it needs a region, a date or an agency with it. A date
    without a year takes the year nearest ``base``.
    """
    match = _dateline_match(text)
    if match is None:
        return None
    place = match["place"]
    region = match["bracketed"] or match["region"]
    day = resolve_day(match["date"], base) if match["date"] else None
    start = match.start("place")
    return {
        "place": ", ".join(natural_case(p.strip()) for p in (place, region) if p),
        "date": day.isoformat() if day else None,
        "text": text[start : match.end()],
        "start": start,
        "end": match.end(),
    }


def dateline_end(doc: Doc) -> int | None:
    """Where the dateline opening ``doc`` ends (a character offset), or None when it has
    none. Looked for in the first tokens only (a dateline is at most
    MAX_DATELINE_CHARS), not in a text built of the whole doc."""
    match = _dateline_match(doc[:_DATELINE_TOKENS].text)
    return None if match is None else match.end()


def _dateline_match(text: str) -> re.Match | None:
    match = _DATELINE.match(text)
    if match is None or match.end() - match.start("place") > MAX_DATELINE_CHARS:
        return None
    if not (match["bracketed"] or match["region"] or match["date"] or match["agency"] or match["place"].isupper()):
        return None
    return match


def mentioned_dates(doc: Doc, published: dt.date | None) -> list[dict]:
    """Days named in the text ({text, start, end, iso}), from spaCy's DATE entities.

    Only the part of an entity that names one day counts ("July 11" of the mis-cut
    "July 11, Speaking"); spans that resolve to no single day ("early June") are dropped.
    """
    found = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        for match in DAY_MENTION.finditer(ent.text):
            day = resolve_day(match.group(), published)
            if day is not None:
                start = ent.start_char + match.start()
                found.append(
                    {"text": match.group(), "start": start, "end": start + len(match.group()),
                     "iso": day.isoformat()}
                )
    return found
