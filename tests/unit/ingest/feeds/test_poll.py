"""Feed polling against the local fixture publisher: parsing, extraction, ids, dedupe."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from prometheus_client import REGISTRY

from newsflow.core.article import article_id
from newsflow.ingest.feeds.poll import poll
from newsflow.ingest.feeds.pages import from_page, html_to_text
from newsflow.ingest.feeds.fetcher import Fetcher, Limits
from newsflow.ingest.feeds.memory import FeedMemory
from tests.fixtures.feeds.server import HERE
from tests.unit.ingest.feeds.conftest import LOOPBACK, sample

FAST = Limits(min_gap=0, backoff=0.01, timeout=2)


@pytest.fixture
async def fetcher():
    fetcher = Fetcher(FAST, LOOPBACK)
    yield fetcher
    await fetcher.close()


@pytest.fixture
def store(tmp_path):
    store = FeedMemory(str(tmp_path))
    yield store
    store.close()


def by_url(result) -> dict:
    return {item.article.url: item.article for item in result.items}


async def test_rss_items_come_with_their_pages_text_date_author_and_id(server, fetcher, store):
    result = await poll(fetcher, store, server.feed_url("rss.xml"), 64 * 1024)
    articles = by_url(result)
    url = f"{server.base}/articles/peace-talks.html"  # the utm_source parameter dropped
    assert set(articles) == {url, f"{server.base}/articles/harbour.html",
                             f"{server.base}/articles/missing.html"}
    talks = articles[url]
    assert talks.title == "Peace talks resume in Istanbul"
    assert talks.published == "2025-07-14" and talks.author == "Aylin Demir"
    assert talks.extraction == "page" and talks.source == "Harbour Gazette"
    assert "We should wait for some signals" in talks.body
    assert talks.body.startswith("Russian and Ukrainian delegations")
    for boilerplate in ("Subscribe now", "Copyright", "newsletter", "By Aylin Demir"):
        assert boilerplate not in talks.body
    assert talks.id == article_id(talks.title, talks.body, url) == article_id("", "", url)


async def test_a_page_that_cannot_be_fetched_falls_back_to_the_feed_summary(
        server, fetcher, store):
    result = await poll(fetcher, store, server.feed_url("rss.xml"), 64 * 1024)
    council = by_url(result)[f"{server.base}/articles/missing.html"]
    assert council.extraction == "feed-summary"
    assert council.body == ("The city council postponed its vote on the budget to next week.\n"
                            "Members asked for more time.")
    assert council.published == "2025-07-16" and council.title == "Council vote delayed"


async def test_atom_entries_are_read_too(server, fetcher, store):
    result = await poll(fetcher, store, server.feed_url("atom.xml"), 64 * 1024)
    [grain] = [item.article for item in result.items]
    assert grain.url == f"{server.base}/articles/grain.html"
    assert grain.source == "Atom Wire" and grain.author == "Maria Kovalenko"
    assert grain.published == "2025-07-17" and "Black Sea" in grain.body


async def test_relative_links_resolve_against_the_feed_url(server, fetcher, store):
    result = await poll(fetcher, store, server.feed_url("relative.xml"), 64 * 1024)
    [bridge] = [item.article for item in result.items]
    assert bridge.url == f"{server.base}/articles/bridge.html"  # fragment dropped
    assert bridge.extraction == "page" and "corroded cables" in bridge.body


async def test_a_malformed_feed_yields_nothing_and_counts_an_error(server, fetcher, store):
    before = sample("newsflow_feed_fetch_errors_total", kind="malformed")
    result = await poll(fetcher, store, server.feed_url("malformed.xml"), 64 * 1024)
    assert result.items == [] and not result.not_modified
    assert sample("newsflow_feed_fetch_errors_total", kind="malformed") == before + 1


async def test_a_poll_is_counted_under_its_feed_and_says_what_it_did(server, fetcher, store):
    url = server.feed_url("rss.xml")
    feed = urlsplit(server.base).netloc
    names = ("newsflow_feed_items_seen_total", "newsflow_feed_fetch_errors_total",
             "newsflow_feed_poll_seconds_count", "newsflow_feed_fetch_seconds_count")
    before = {name: sample(name, feed=feed) for name in names}
    result = await poll(fetcher, store, url, 64 * 1024)
    grew = {name: sample(name, feed=feed) - before[name] for name in names}
    assert grew == {"newsflow_feed_items_seen_total": 3,
                    "newsflow_feed_fetch_errors_total": 1,  # missing.html: HTTP 404
                    "newsflow_feed_poll_seconds_count": 1,
                    "newsflow_feed_fetch_seconds_count": 5}  # robots.txt, the feed, 3 pages
    assert re.fullmatch(rf"newsflow ingest: feed {re.escape(feed)}: 3 new, 0 seen, 1 failed "
                        r"in \d+\.\d\ds", result.summary())
    # the label is the configured feed's host: never an item's URL
    feeds = {s.labels["feed"] for family in REGISTRY.collect() for s in family.samples
             if s.name.startswith("newsflow_feed_")}
    assert all("/" not in label for label in feeds) and feed in feeds


async def test_a_missing_feed_yields_nothing(server, fetcher, store):
    result = await poll(fetcher, store, server.feed_url("nope.xml"), 64 * 1024)
    assert result.items == [] and result.etag is None


async def test_the_second_poll_is_conditional_and_a_304_means_nothing_new(
        server, fetcher, store):
    url = server.feed_url("atom.xml")
    first = await poll(fetcher, store, url, 64 * 1024)
    assert first.etag and first.modified
    store.remember(url, first.etag, first.modified)
    second = await poll(fetcher, store, url, 64 * 1024)
    assert second.not_modified and second.items == []
    feed_requests = [headers for path, headers in server.requests if path == "/feeds/atom.xml"]
    assert "If-None-Match" not in feed_requests[0]
    assert feed_requests[1]["If-None-Match"] == first.etag
    assert feed_requests[1]["If-Modified-Since"] == first.modified
    assert server.paths().count("/articles/grain.html") == 1


async def test_items_seen_before_are_skipped_across_polls_and_restarts(
        server, fetcher, tmp_path):
    url = server.feed_url("rss.xml")
    store = FeedMemory(str(tmp_path))
    first = await poll(fetcher, store, url, 64 * 1024)
    assert len(first.items) == 3
    for item in first.items:
        store.mark(item.key, item.updated)
    store.close()  # a restart: a new store on the same folder, no validators kept
    restarted = FeedMemory(str(tmp_path))
    before = sample("newsflow_feed_items_duplicate_total")
    second = await poll(fetcher, restarted, url, 64 * 1024)
    restarted.close()
    assert second.items == []
    assert sample("newsflow_feed_items_duplicate_total") == before + 3
    assert server.paths().count("/articles/harbour.html") == 1  # not fetched again


async def test_an_item_whose_date_changed_is_published_again_with_the_same_id(
        server, fetcher, store):
    url = server.feed_url("changed.xml")
    [first] = (await poll(fetcher, store, url, 64 * 1024)).items
    store.mark(first.key, first.updated)
    server.version = 2
    [changed] = (await poll(fetcher, store, url, 64 * 1024)).items
    assert changed.article.id == first.article.id
    assert changed.updated != first.updated
    store.mark(changed.key, changed.updated)
    assert (await poll(fetcher, store, url, 64 * 1024)).items == []


def test_page_extraction_keeps_the_article_and_drops_the_chrome():
    page = from_page((HERE / "articles" / "harbour.html").read_bytes(), "http://x/h.html")
    assert page.title == "Harbour reopens after storm" and page.author == "Tomas Berg"
    assert page.date == "2025-07-15"
    assert page.text.splitlines()[0].startswith("The port of Kuala Lumpur")
    assert "Most read" not in page.text and "Cookie" not in page.text


def test_a_page_without_text_extracts_to_nothing():
    assert from_page(b"<html><body><nav>Home</nav></body></html>", "http://x/") is None


def test_feed_html_becomes_text_with_paragraphs():
    assert html_to_text("<p>One <b>two</b>.</p><p>Three.</p>") == "One two.\nThree."
    assert html_to_text("  plain text ") == "plain text"
