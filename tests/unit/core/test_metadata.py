"""Article metadata: dateline, dates in the body, publish date, word count; date resolution."""

from __future__ import annotations

import datetime as dt

import pytest

from newsflow.core.article import Article
from newsflow.core.dates import parse_date, resolve_day
from newsflow.core.metadata import dateline, describe, mentioned_dates
from newsflow.core.nlp import load_pipeline

MONDAY = dt.date(2025, 7, 14)


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.mark.parametrize(
    ("text", "place", "date", "line"),
    [
        ("Moscow [Russia], July 14 : The Russian side", "Moscow, Russia", "2025-07-14", "Moscow [Russia], July 14 :"),
        ("WASHINGTON (Reuters) - The US said", "Washington", None, "WASHINGTON (Reuters) -"),
        ("LONDON, July 3 (AP) — Britain said", "London", "2025-07-03", "LONDON, July 3 (AP) —"),
        ("NEW DELHI, India, July 3 (Reuters) -- It", "New Delhi, India", "2025-07-03",
         "NEW DELHI, India, July 3 (Reuters) --"),
        ("KYIV, Ukraine (AP) — Talks", "Kyiv, Ukraine", None, "KYIV, Ukraine (AP) —"),
        ("Paris, 14 July 2024 - It was", "Paris", "2024-07-14", "Paris, 14 July 2024 -"),
    ],
)
def test_dateline_forms(text, place, date, line):
    found = dateline(text, MONDAY)
    assert found == {"place": place, "date": date, "text": line, "start": 0, "end": len(line)}


@pytest.mark.parametrize(
    "text",
    ["Update: the thing happened", "The Russian side is ready - really", "Peskov said - no", "Moscow: hello"],
)
def test_no_dateline(text):
    assert dateline(text, MONDAY) is None


def test_dateline_year_is_the_nearest_to_the_base():
    assert dateline("LONDON, Dec 31 (AP) - x", dt.date(2026, 1, 2))["date"] == "2025-12-31"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("July 11", "2025-07-11"),
        ("Thursday", "2025-07-10"),
        ("Monday", "2025-07-14"),  # on or before the publish date
        ("last Thursday", "2025-07-10"),
        ("next Monday", "2025-07-21"),
        ("yesterday", "2025-07-13"),
        ("11 July 2024", "2024-07-11"),
        ("the 3rd of July", "2025-07-03"),
    ],
)
def test_resolve_day_against_publish_date(text, day):
    assert resolve_day(text, MONDAY).isoformat() == day


def test_resolve_day_without_base_needs_a_year():
    assert resolve_day("Thursday", None) is None
    assert resolve_day("July 11", None) is None
    assert resolve_day("July 11, 2024", None) == dt.date(2024, 7, 11)


def test_parse_date_unchanged():
    assert parse_date("Jul 14, 2025") == dt.date(2025, 7, 14)
    assert parse_date("2025-07-14T10:00Z") == dt.date(2025, 7, 14)
    assert parse_date("now") is None and parse_date("2025") is None


def test_mentioned_dates_keep_only_single_days(nlp):
    text = "Meanwhile on July 11, Speaking in mid-May and early June, he met them on Thursday."
    doc = nlp(text)
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label="DATE")
                for s in ("July 11, Speaking", "mid-May", "early June", "Thursday")]
    found = mentioned_dates(doc, MONDAY)
    assert found == [
        {"text": "July 11", "start": 13, "end": 20, "iso": "2025-07-11"},
        {"text": "Thursday", "start": text.index("Thursday"), "end": text.index("Thursday") + 8,
         "iso": "2025-07-10"},
    ]


def test_describe_takes_published_from_dateline_when_absent(nlp):
    body = "LONDON, July 3 (AP) — Ministers met on Tuesday, officials said."
    meta = describe(Article(id="x", title="t", body=body), nlp(body), today=dt.date(2025, 8, 1))
    assert meta["published"] == "2025-07-03"
    assert meta["dateline"]["place"] == "London"
    assert meta["language"] == "en"
    assert meta["word_count"] == 10
    assert [(d["text"], d["iso"]) for d in meta["dates"]] == [("July 3", "2025-07-03"), ("Tuesday", "2025-07-01")]


def test_describe_prefers_the_article_date(nlp):
    body = "Talks went on. Nobody left."
    meta = describe(Article(id="x", title="t", body=body, published="2024-02-29"), nlp(body))
    assert meta["published"] == "2024-02-29" and meta["dateline"] is None and meta["dates"] == []


def test_seed_metadata(seed_enriched):
    assert seed_enriched["published"] == "2025-07-14"
    assert seed_enriched["dateline"]["place"] == "Moscow, Russia"
    assert seed_enriched["dateline"]["date"] == "2025-07-14"
    body = seed_enriched["body"]
    dates = {(d["text"], d["iso"]) for d in seed_enriched["dates"]}
    assert {("July 11", "2025-07-11"), ("Thursday", "2025-07-10"), ("July 14", "2025-07-14")} <= dates
    assert all(body[d["start"]:d["end"]] == d["text"] for d in seed_enriched["dates"])
    assert not any("June" in d["text"] or "year" in d["text"] for d in seed_enriched["dates"])
