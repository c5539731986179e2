"""Polling one RSS/Atom feed: the new items as Articles, with the text of their pages.

A poll sends the feed's last ETag / Last-Modified; a 304 means nothing new. Each item not
published before (see seen.py for the policy on changed items) has its link followed and its
article extracted from the page; when the page can't be fetched or has no main text, the
feed's own content or summary is used instead, and the article's ``extraction`` says which.
Nothing is written to the store here: the caller marks items once they are published.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import feedparser

from newsflow import metrics
from newsflow.core.article import Article, article_id
from newsflow.core.dates import parse_date
from newsflow.pages import from_page, html_to_text
from newsflow.politeness import Fetcher, FetchError
from newsflow.seen import SeenStore, canonical_url


@dataclass(frozen=True, slots=True)
class Item:
    article: Article
    key: str  # the store key: canonical URL, or the feed's entry id when there is no link
    updated: str  # the feed's updated (or published) date for it, as written


@dataclass(slots=True)
class Poll:
    feed_url: str
    items: list[Item] = field(default_factory=list)
    etag: str | None = None
    modified: str | None = None
    not_modified: bool = False


async def poll(fetcher: Fetcher, store: SeenStore, feed_url: str, max_bytes: int) -> Poll:
    """The feed's new and changed items (none on a 304 or a failed fetch)."""
    etag, modified = store.validators(feed_url)
    headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified)) if v}
    result = Poll(feed_url, etag=etag, modified=modified)
    try:
        response = await fetcher.get(feed_url, headers, kind="feed", allow_private=True)
    except FetchError as exc:
        _warn(feed_url, exc)
        return result
    if response.status == 304:
        result.not_modified = True
        return result
    parsed = feedparser.parse(response.body, response_headers={
        "content-location": response.url,
        "content-type": response.headers.get("content-type", "application/xml"),
    })
    if parsed.bozo and not parsed.entries:
        metrics.FEED_FETCH_ERRORS.labels("malformed").inc()
        _warn(feed_url, FetchError("malformed", str(parsed.get("bozo_exception", "not a feed"))))
        return result
    result.etag = response.headers.get("etag") or None
    result.modified = response.headers.get("last-modified") or None
    source = parsed.feed.get("title") or urlsplit(response.url).netloc
    candidates = []
    for entry in parsed.entries:
        metrics.FEED_ITEMS_SEEN.inc()
        link = entry.get("link")
        url = canonical_url(urljoin(response.url, link)) if link else None
        key = url or entry.get("id") or ""
        updated = dict.get(entry, "updated") or entry.get("published") or ""
        if key and not store.is_new(key, updated):
            metrics.FEED_DUPLICATES.inc()
            continue
        candidates.append((entry, url, key, updated))
    built = await asyncio.gather(*(_article(fetcher, e, url, source, max_bytes, response.private)
                                   for e, url, _, _ in candidates))
    for article, (_, _, key, updated) in zip(built, candidates):
        if article is not None:
            result.items.append(Item(article, key or article.id, updated))
    return result


async def _article(fetcher: Fetcher, entry, url: str | None, source: str,
                   max_bytes: int, allow_private: bool) -> Article | None:
    page = None
    if url:
        try:
            response = await fetcher.get(url, kind="page", allow_private=allow_private)
            page = from_page(response.body, response.url)
        except FetchError as exc:
            _warn(url, exc)
    if page is not None:
        title, body, extraction = page.title or entry.get("title", ""), page.text, "page"
        published = _date(page.date) or _entry_date(entry)
        author = page.author or entry.get("author")
    else:
        content = entry.get("content") or [{}]
        title, extraction = entry.get("title", ""), "feed-summary"
        body = html_to_text(content[0].get("value") or entry.get("summary") or "")
        published, author = _entry_date(entry), entry.get("author")
    if not body.strip():
        metrics.FEED_FETCH_ERRORS.labels("no_text").inc()
        _warn(url or entry.get("id", "?"), FetchError("no_text", "no text in page or feed"))
        return None
    if len(body.encode()) > max_bytes:
        metrics.FEED_FETCH_ERRORS.labels("too_large").inc()
        _warn(url or "?", FetchError("too_large", f"article text over {max_bytes} bytes"))
        return None
    return Article(id=article_id(title, body, url), title=title, body=body, published=published,
                   source=source, url=url, author=author or None, extraction=extraction)


def _date(text: str | None) -> str | None:
    date = parse_date(text) if text else None
    return date.isoformat() if date else None


# dict.get: feedparser's own get() maps a missing "updated" to "published", with a warning
def _entry_date(entry) -> str | None:
    parsed = entry.get("published_parsed") or dict.get(entry, "updated_parsed")
    return dt.date(*parsed[:3]).isoformat() if parsed else None


def _warn(where: str, exc: FetchError) -> None:
    print(f"newsflow ingest: {where}: {exc}", file=sys.stderr)
