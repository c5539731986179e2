"""Property-based fuzzing of the feed path: generated hostile feeds and pages through
feedparser, the item links, page extraction and the fallback to the summary.

A poll reports what it can't read (malformed, bad_url, unreadable, no_text, too_large) and
never raises; "unexpected" (the guard against our own defects) must never be counted.
Documents go up to the test's size limit, and each one must be polled within a time bound.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.ingest.feeds.conftest import sample

from newsflow.ingest.feeds.documents import FeedError, parse_feed
from newsflow.ingest.feeds.poll import poll
from newsflow.ingest.feeds.policy import InvalidURL, Refused, check_url
from newsflow.ingest.feeds.pages import Unreadable, from_page, html_to_text
from newsflow.ingest.feeds.fetcher import FetchError, Limits, Response
from newsflow.core.urls import canonical_url
from newsflow.ingest.feeds.memory import FeedMemory

LIMIT = 256 * 1024  # bytes of a generated feed or page, as Limits.max_bytes would cut them
PER_INPUT = dt.timedelta(seconds=15)
FUZZ = settings(max_examples=120, deadline=PER_INPUT,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PIECES = ["<p>", "</p>", "<b>", "<div>", "</div>", "<br>", "<html>", "<body>", "<script>x()",
          "</script>", "<![CDATA[", "]]>", "&amp;", "&lt;", "&nbsp;", "&#0;", "&#xD800;",
          "&#x10FFFF;", "&undefined;", "\x00", "\x1b", "\ufeff", "\u202e", "\U0001f600", "\r\n",
          "<?xml version='1.0' encoding='utf-16'?>", "<!DOCTYPE x>", "<meta charset='koi8-r'>",
          "<a href='javascript:x'>", "<img src=x onerror=y>", "said", "Putin", "Kyiv", " "]
text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=30).map("".join)
LINKS = ["http://news.example/a", "/relative/b", "//other.example/c", "http://[::1",
         "http://x:99999/", "http://127.0.0.1/secret", "file:///etc/passwd", "javascript:alert(1)", "", " ", "http://",
         "http://user:pw@news.example/", "http://0x7f.1/", "mailto:a@b", "\x00", "http://%zz/",
         "http://news.example/" + "a" * 3000]
link = st.one_of(st.sampled_from(LINKS), st.text(max_size=30))


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def feed_documents(draw) -> bytes:
    """An RSS or Atom document with hostile fields, or something that only looks like one."""
    items = draw(st.lists(st.tuples(text, link, text, st.booleans()), max_size=12))
    atom = draw(st.booleans())
    parts = []
    for title, href, summary, raw in items:
        summary = summary if raw else _escape(summary)  # raw: markup unescaped, as feeds do
        if atom:
            parts.append(f"<entry><title>{_escape(title)}</title><link href=\"{_escape(href)}\"/>"
                         f"<id>{_escape(href)}</id><summary type=\"html\">{summary}</summary>"
                         f"<updated>{draw(text)}</updated></entry>")
        else:
            parts.append(f"<item><title>{_escape(title)}</title><link>{_escape(href)}</link>"
                         f"<description>{summary}</description><pubDate>{draw(text)}</pubDate>"
                         f"</item>")
    head = draw(st.sampled_from(["", '<?xml version="1.0" encoding="utf-8"?>',
                                 '<?xml version="1.0" encoding="latin-1"?>', "\ufeff",
                                 '<!DOCTYPE rss [<!ENTITY e "&#38;e;">]>']))
    body = "".join(parts) * draw(st.sampled_from([1, 1, 2, 50]))
    if atom:
        document = f'{head}<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{body}</feed>'
    else:
        document = f'{head}<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'
    cut = draw(st.integers(min_value=0, max_value=len(document)))  # truncated, sometimes
    if draw(st.booleans()):
        document = document[:cut]
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    return document.encode(encoding, "replace")[:LIMIT]


@st.composite
def pages(draw) -> bytes:
    body = draw(text) * draw(st.sampled_from([1, 3, 200]))
    nested = "<div>" * draw(st.integers(0, 3000))
    page = f"<html><head><title>{draw(text)}</title></head><body>{nested}{body}</body></html>"
    return page.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1252"])), "replace")[:LIMIT]


class FakeFetcher:
    """Answers the feed URL with the feed, every other URL with the page (or an error)."""

    limits = Limits(min_gap=0, max_bytes=LIMIT, poll_deadline=10)

    def __init__(self, feed: bytes, page: bytes | None):
        self._feed, self._page = feed, page

    async def get(self, url, headers=None, kind="page", allow_private=False):
        if kind == "feed":
            return Response(url, 200, httpx.Headers({"content-type": "application/xml"}),
                            self._feed, private=True)
        try:  # what the real fetcher checks first
            check_url(url)
        except (Refused, InvalidURL) as exc:
            raise FetchError("refused", str(exc)) from None
        if self._page is None:
            raise FetchError("status", "HTTP 404")
        return Response(url, 200, httpx.Headers({"content-type": "text/html"}), self._page)


def unexpected() -> float:
    return sample("newsflow_feed_fetch_errors_total", kind="unexpected")


async def _poll(feed: bytes, page: bytes | None):
    with tempfile.TemporaryDirectory() as folder:
        store = FeedMemory(folder)
        try:
            return await poll(FakeFetcher(feed, page), store, "http://feeds.example/rss", LIMIT)
        finally:
            store.close()


@FUZZ
@given(feed_documents(), st.one_of(st.none(), pages()))
def test_a_poll_of_any_feed_and_pages_reports_errors_and_raises_nothing(feed, page):
    before = unexpected()
    result = asyncio.run(_poll(feed, page))
    assert unexpected() == before
    for item in result.items:
        assert item.article.body.strip() and len(item.article.body.encode()) <= LIMIT


@FUZZ
@given(feed_documents())
def test_parsing_any_document_is_a_feed_or_a_feed_error(document):
    try:
        parsed = parse_feed(document, "http://feeds.example/rss", "application/xml")
    except FeedError:
        return
    for entry in parsed.entries:
        html_to_text(entry.get("summary") or "")


@FUZZ
@given(pages())
def test_extracting_any_page_is_an_extract_nothing_or_unreadable(page):
    try:
        from_page(page, "http://news.example/a")
    except Unreadable:
        pass


@settings(max_examples=500, deadline=PER_INPUT)
@given(st.one_of(link, st.text(), st.from_regex(r"https?://[^/]{0,20}(:\d{0,6})?/.{0,10}")))
def test_canonical_urls_and_the_url_check_never_raise_anything_else(url):
    canonical = canonical_url(url)
    assert canonical is None or isinstance(canonical, str)
    try:
        check_url(canonical or url)
    except (Refused, InvalidURL):
        pass
