"""One canonical URL for every ingest path: the same story linked three ways is one article
id whether it comes from a JSON file, JSONL on stdin, serve-ingest or a feed."""

from __future__ import annotations

import io

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.core.article import article_id
from newsflow.core.parse import from_message
from newsflow.core.urls import canonical_url
from newsflow.ingest import files

SAME_STORY = ["https://example.com/story?utm_source=twitter", "https://example.com/story",
              "HTTPS://Example.com/story#comments", "https://example.com:443/story",
              "https://EXAMPLE.com/story?fbclid=abc&utm_medium=social"]


@pytest.mark.parametrize("given, canonical", [
    ("HTTP://Example.COM:80/a?utm_source=x&id=3#frag", "http://example.com/a?id=3"),
    ("https://example.com:8443", "https://example.com:8443/"),
    ("https://example.com/a?fbclid=1", "https://example.com/a"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://[::1]:99999/x", None),
    ("http://[::1/", None),
])
def test_canonical_urls(given, canonical):
    assert canonical_url(given) == canonical


def test_one_story_linked_five_ways_is_one_article_on_every_path(monkeypatch):
    ids = {article_id("T", "B", url) for url in SAME_STORY}  # what feeds and seeds call
    articles = [{"title": "T", "body": "B", "url": url} for url in SAME_STORY]
    lines = b"".join(orjson.dumps(a) + b"\n" for a in articles)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines)))
    from_stdin = [a.id for a in files.read_articles(["-"])]          # ingest - (JSONL)
    from_http = [from_message(orjson.dumps(a)).id for a in articles]  # serve-ingest, the worker
    assert len(ids) == 1 and set(from_stdin) == set(from_http) == ids
    assert {from_message(orjson.dumps(a)).url for a in articles} == {"https://example.com/story"}


def test_different_stories_keep_different_ids():
    assert article_id("T", "B", "https://example.com/story?id=1") != article_id(
        "T", "B", "https://example.com/story?id=2")
    assert article_id("T", "B", "https://example.com/a") != article_id(
        "T", "B", "https://example.org/a")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60),
                 st.from_regex(r"[hH][tT][tT][pP][sS]?://[^/]{0,20}(:\d{0,6})?/.{0,20}")))
def test_canonical_urls_never_raise_and_are_a_fixed_point(url):
    canonical = canonical_url(url)
    assert canonical is None or canonical_url(canonical) == canonical
