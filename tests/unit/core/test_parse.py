"""The parsers: every bad input becomes a BadArticle with a reason, good input an Article."""

from __future__ import annotations

import orjson
import pytest

from newsflow.core.article import BadArticle, article_id
from newsflow.core.parse import decode, from_json, from_mapping, from_message, from_seed_text


def reason_of(call, *args, **kwargs) -> str:
    with pytest.raises(BadArticle) as caught:
        call(*args, **kwargs)
    return caught.value.reason


def test_seed_format_gives_title_date_and_body(seed_article):
    assert seed_article.title.startswith("Kremlin announces Russia's readiness")
    assert seed_article.published == "2025-07-14"
    assert seed_article.body.startswith("Moscow [Russia], July 14 : The Russian side")
    assert seed_article.body.endswith("we'll continue to engage.\"")


def test_seed_without_date_line_is_rejected():
    text = "\nA title\nThe body starts here without any date line.\nMore body.\n"
    assert reason_of(from_seed_text, text) == "no_date_line"


def test_seed_with_nothing_after_the_date_is_rejected():
    assert reason_of(from_seed_text, "\nA title\nJul 14, 2025\n\n  \n") == "empty_body"


def test_same_article_gives_the_same_id_whatever_the_whitespace(seed_article):
    again = from_seed_text("\n\n" + seed_article.title + "\nJul 14, 2025\n" + seed_article.body + "\n\n")
    assert again.id == seed_article.id
    spaced = article_id(seed_article.title, seed_article.body.replace(" ", "  "))
    assert spaced == seed_article.id
    assert article_id(seed_article.title, seed_article.body + " More.") != seed_article.id


def test_url_names_the_article_when_given():
    first = from_mapping({"title": "T", "body": "one version", "url": "https://x.example/a"})
    second = from_mapping({"title": "T2", "body": "corrected version", "url": "https://x.example/a"})
    assert first.id == second.id


def test_json_article_keeps_its_fields_and_parses_the_date():
    article = from_json('{"id": "a1", "title": "T", "body": "B", "published": "July 3, 2024", "source": "AP"}')
    assert (article.source_id, article.published, article.source) == ("a1", "2024-07-03", "AP")


@pytest.mark.parametrize(
    ("written", "day", "moment"),
    [
        ("2025-07-18T23:30:00-07:00", "2025-07-18", "2025-07-18T23:30:00-07:00"),
        ("2025-07-18T23:30:00Z", "2025-07-18", "2025-07-18T23:30:00+00:00"),
        ("Fri, 18 Jul 2025 23:30:00 -0700", "2025-07-18", "2025-07-18T23:30:00-07:00"),
        ("2025-07-18 09:05", "2025-07-18", "2025-07-18T09:05:00"),  # no offset: none made up
        ("July 18, 2025", "2025-07-18", None),  # a date alone: no time of day made up
    ],
)
def test_published_keeps_the_day_and_published_at_the_time_of_day(written, day, moment):
    article = from_mapping({"title": "T", "body": "B", "published": written})
    assert (article.published, article.published_at) == (day, moment)
    again = from_mapping({**article.to_dict(), "schema": "raw_article/1"})  # as the worker reads it
    assert (again.published, again.published_at) == (day, moment)
    assert ("published_at" in article.to_dict()) == (moment is not None)


def test_a_published_at_without_time_of_day_is_a_bad_date():
    with pytest.raises(BadArticle) as caught:
        from_mapping({"body": "b", "published_at": "yesterday"})
    assert caught.value.reason == "bad_date"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "malformed_json"),
        (b"[1, 2]", "wrong_type"),
        (b'{"title": "t", "body": 42}', "wrong_type"),
        (b'{"title": ["t"], "body": "b"}', "wrong_type"),
        (b'{"title": "t"}', "missing_body"),
        (b'{"title": "t", "body": null}', "missing_body"),
        (b'{"title": "t", "body": "  \\n "}', "empty_body"),
        (b'{"body": "b", "published": "not a date at all"}', "bad_date"),
        (b"\xff\xfe\x00\x01binary", "binary"),
        (b'{"body": "caf\xe9"}', "not_utf8"),
        (bytes(range(1, 32)) * 10, "binary"),
        (b"[" * 5000 + b"]" * 5000, "malformed_json"),
        (b'{"body": "\\ud800"}', "malformed_json"),
    ],
)
def test_bad_messages_get_a_reason(payload, reason):
    assert reason_of(from_message, payload) == reason


def test_size_limit_is_checked_before_parsing():
    payload = orjson.dumps({"title": "t", "body": "x" * 2000})
    assert reason_of(from_message, payload, max_bytes=1000) == "oversize"
    assert from_message(payload, max_bytes=len(payload)).body == "x" * 2000


def test_byte_order_mark_is_dropped():
    assert decode("\ufeff{}".encode()) == "{}"
