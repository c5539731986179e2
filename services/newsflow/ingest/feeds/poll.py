"""Polling one RSS/Atom feed: the new items as Articles, with the text of their pages.

A poll sends the feed's last ETag / Last-Modified; a 304 means nothing new. Each item not
published before (see seen.py for the policy on changed items) has its link followed and its
article extracted from the page; when the page can't be fetched or has no main text, the
feed's own content or summary is used instead, and the article's ``extraction`` says which.
Nothing is written to the store here: the caller marks items once they are published.

Feeds are hostile input. A poll never raises: whatever goes wrong with the feed or with one
of its items is a line on stderr and a count in newsflow_feed_fetch_errors_total{feed,kind},
and the rest goes on. The work is bounded: one poll takes at most ``Limits.max_items`` new items
(the others wait for the next poll) and lasts at most ``Limits.poll_deadline`` seconds (pages
still being fetched then fall back to the feed's summary).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from newsflow import metrics
from newsflow.core.article import Article, article_id
from newsflow.core.dates import parse_date
from newsflow.core.parse import timestamp
from newsflow.ingest.feeds.documents import FeedError, parse_feed
from newsflow.ingest.feeds.pages import Extracted, Unreadable, from_page, html_to_text
from newsflow.core.urls import canonical_url
from newsflow.ingest.feeds.fetcher import FEED_LABEL, Fetcher, FetchError
from newsflow.ingest.feeds.memory import FeedMemory
from newsflow.logs import console


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
    seen: int = 0  # items skipped: published before, unchanged
    failed: int = 0  # fetches, pages and items that went wrong
    seconds: float = 0.0

    @property
    def feed(self) -> str:
        return feed_label(self.feed_url)

    def summary(self) -> str:
        """The poll's log line."""
        state = " (not modified)" if self.not_modified else ""
        return (f"newsflow ingest: feed {self.feed}: {len(self.items)} new, {self.seen} seen, "
                f"{self.failed} failed in {self.seconds:.2f}s{state}")


def feed_label(feed_url: str) -> str:
    """The ``feed`` label of a configured feed's series: its host (and port), never a path
    or an item's URL, so the series are as many as the feeds configured."""
    return urlsplit(feed_url).netloc.rpartition("@")[2].lower() or "?"


# The poll under way in this task (and the page fetches it spawned): what _warn counts in.
_CURRENT: contextvars.ContextVar[Poll | None] = contextvars.ContextVar("poll", default=None)


@dataclass(frozen=True, slots=True)
class _Candidate:
    entry: dict
    url: str | None
    key: str
    updated: str


async def poll(fetcher: Fetcher, store: FeedMemory, feed_url: str, max_bytes: int) -> Poll:
    """The feed's new and changed items (none on a 304 or a failed fetch); never raises."""
    etag, modified = store.validators(feed_url)
    result = Poll(feed_url, etag=etag, modified=modified)
    metrics.start_feed_series(result.feed)
    current, label = _CURRENT.set(result), FEED_LABEL.set(result.feed)
    began = time.monotonic()
    try:
        await _poll(fetcher, store, result, max_bytes)
    except Exception as exc:  # a defect of ours on strange input: this feed only
        _report(feed_url, "unexpected", f"{type(exc).__name__}: {exc}")
        result.items = []
    finally:
        _CURRENT.reset(current)
        FEED_LABEL.reset(label)
    result.seconds = time.monotonic() - began
    metrics.FEED_POLL_SECONDS.labels(result.feed).observe(result.seconds)
    return result


async def _poll(fetcher: Fetcher, store: FeedMemory, result: Poll, max_bytes: int) -> None:
    limits, feed_url = fetcher.limits, result.feed_url
    deadline = asyncio.get_running_loop().time() + limits.poll_deadline
    headers = {k: v for k, v in (("If-None-Match", result.etag),
                                 ("If-Modified-Since", result.modified)) if v}
    try:
        async with asyncio.timeout_at(deadline):
            response = await fetcher.get(feed_url, headers, kind="feed", allow_private=True)
            if response.status == 304:
                result.not_modified = True
                return
            # parsing takes up to seconds for megabytes: in a thread, other feeds go on
            parsed = await asyncio.to_thread(
                parse_feed, response.body, response.url,
                response.headers.get("content-type", "application/xml"))
    except FetchError as exc:
        _warn(feed_url, exc)
        return
    except FeedError as exc:
        _report(feed_url, "malformed", str(exc))
        return
    except TimeoutError:
        _report(feed_url, "deadline", f"not fetched and parsed in {limits.poll_deadline}s")
        return
    candidates, more = _new_entries(parsed.entries, response.url, store, limits.max_items, result)
    if more:
        console.warning(f"newsflow ingest: {feed_url}: over {limits.max_items} new items; "
                        "the others wait for the next poll")
    else:  # advancing the validators would answer the next poll with a 304
        result.etag = response.headers.get("etag") or None
        result.modified = response.headers.get("last-modified") or None
    source = parsed.feed.get("title") or urlsplit(response.url).netloc
    pages = await _pages(fetcher, [c.url for c in candidates if c.url], deadline,
                         limits.poll_deadline, allow_private=response.private)
    for candidate in candidates:
        try:
            article = _article(candidate, pages.get(candidate.url), source, max_bytes)
        except Exception as exc:  # a defect of ours on strange input: this item only
            _report(candidate.url or candidate.key, "unexpected", f"{type(exc).__name__}: {exc}")
            continue
        if article is not None:
            result.items.append(Item(article, candidate.key or article.id, candidate.updated))


def _new_entries(entries: list, base: str, store: FeedMemory, limit: int, result: Poll
                 ) -> tuple[list[_Candidate], bool]:
    """The first ``limit`` entries not published before (each link once), and whether
    there are more."""
    candidates: list[_Candidate] = []
    keys: set[str] = set()
    for entry in entries:
        metrics.FEED_ITEMS_SEEN.labels(result.feed).inc()
        url = _link(base, entry)
        key = url or entry.get("id") or ""
        updated = dict.get(entry, "updated") or entry.get("published") or ""
        if key and (key in keys or not store.is_new(key, updated)):
            metrics.FEED_DUPLICATES.labels(result.feed).inc()
            result.seen += 1
            continue
        if len(candidates) == limit:
            return candidates, True
        keys.add(key)
        candidates.append(_Candidate(entry, url, key, updated))
    return candidates, False


def _link(base: str, entry) -> str | None:
    """The entry's link, absolute and canonical; None without one, or when it is not a
    URL (reported: the item goes on with its summary)."""
    link = entry.get("link")
    if not link:
        return None
    try:
        url = canonical_url(urljoin(base, link))
    except ValueError:  # urljoin on a broken IPv6 address
        url = None
    if url is None:
        _report(link, "bad_url", "not a valid URL; the feed's summary is used")
    return url


async def _pages(fetcher: Fetcher, urls: list[str], deadline: float, seconds: float,
                 allow_private: bool) -> dict[str, Extracted | None]:
    """Each page's extract (None: use the feed's summary), in the time left before the
    poll's deadline; pages still pending then are given up."""
    tasks = {url: asyncio.create_task(_page(fetcher, url, allow_private)) for url in urls}
    if not tasks:
        return {}
    left = max(0.0, deadline - asyncio.get_running_loop().time())
    _, pending = await asyncio.wait(tasks.values(), timeout=left)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    pages = {}
    for url, task in tasks.items():
        if task in pending:
            _report(url, "deadline", f"page not fetched within the poll's {seconds}s; "
                                     "the feed's summary is used")
            pages[url] = None
        else:
            pages[url] = task.result()
    return pages


async def _page(fetcher: Fetcher, url: str, allow_private: bool) -> Extracted | None:
    try:
        response = await fetcher.get(url, kind="page", allow_private=allow_private)
        # trafilatura takes up to seconds on a big page: in a thread, other fetches go on
        return await asyncio.to_thread(from_page, response.body, response.url)
    except FetchError as exc:
        _warn(url, exc)
    except Unreadable as exc:
        _report(url, "unreadable", str(exc))
    except Exception as exc:  # a defect of ours (or trafilatura's): this page only
        _report(url, "unexpected", f"{type(exc).__name__}: {exc}")
    return None


def _article(candidate: _Candidate, page: Extracted | None, source: str,
             max_bytes: int) -> Article | None:
    entry, url = candidate.entry, candidate.url
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
        _report(url or entry.get("id", "?"), "no_text", "no text in page or feed")
        return None
    if len(body.encode()) > max_bytes:
        _report(url or "?", "too_large", f"article text over {max_bytes} bytes")
        return None
    # the entry's moment, when the day is the entry's (a page gives its day alone)
    written = entry.get("published") or dict.get(entry, "updated") or ""
    moment = timestamp(written) if published == _entry_date(entry) else None
    return Article(id=article_id(title, body, url), title=title, body=body, published=published,
                   source=source, url=url, author=author or None, extraction=extraction,
                   published_at=moment)


def _date(text: str | None) -> str | None:
    date = parse_date(text) if text else None
    return date.isoformat() if date else None


# dict.get: feedparser's own get() maps a missing "updated" to "published", with a warning
def _entry_date(entry) -> str | None:
    parsed = entry.get("published_parsed") or dict.get(entry, "updated_parsed")
    return dt.date(*parsed[:3]).isoformat() if parsed else None


def _report(where: str, kind: str, detail: str) -> None:
    _warn(where, FetchError(kind, detail))


def _warn(where: str, exc: FetchError) -> None:
    """One line on stderr, counted for the feed being polled."""
    poll = _CURRENT.get()
    if poll is not None:
        poll.failed += 1
    metrics.FEED_FETCH_ERRORS.labels(poll.feed if poll else "?", exc.kind).inc()
    console.warning(f"newsflow ingest: {where}: {exc}")
