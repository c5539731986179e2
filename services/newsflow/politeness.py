"""Polite HTTP fetching for feed ingestion: one client, per-host limits, robots.txt.

Publishers' servers are not ours: every request names the project in its User-Agent, waits
for a free per-host slot and a minimum gap since the host's previous request, gives up after
a timeout, stops reading past a size limit, and is retried with exponential backoff (tenacity)
only when the failure is transient (connection errors, timeouts, 429 and 5xx answers).
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import tenacity

from newsflow import metrics

USER_AGENT = "newsflow-ingest/0.1 (+https://github.com/newsflow/newsflow)"
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
# httpx logs every request at INFO; fetch errors are reported by the callers instead
logging.getLogger("httpx").setLevel(logging.WARNING)


class FetchError(Exception):
    """A fetch that failed for good; ``kind`` is a short code (a metric label)."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


class _Transient(FetchError):
    """A failure worth retrying."""


@dataclass(frozen=True, slots=True)
class Limits:
    per_host: int = 2  # concurrent requests to one host
    min_gap: float = 1.0  # seconds between two requests to one host starting
    timeout: float = 10.0  # seconds, per request
    max_bytes: int = 5 * 1024 * 1024  # a page or feed larger than this is refused
    attempts: int = 3  # tries per request, transient failures only
    backoff: float = 0.5  # first wait; doubles per attempt


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass(slots=True)
class _Host:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # spacing of request starts
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one robots.txt fetch
    last_start: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None


class Fetcher:
    """GETs under the politeness rules; one per running ingest."""

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self._client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT}, timeout=limits.timeout, follow_redirects=True
        )
        self._hosts: dict[str, _Host] = {}

    async def close(self) -> None:
        await self._client.aclose()

    async def get(self, url: str, headers: dict[str, str] | None = None, kind: str = "page") -> Response:
        """The response (any status below 400, 304 included), or FetchError."""
        host = self._host(url)
        if not await self._allowed(host, url):
            metrics.FEED_FETCH_ERRORS.labels("robots").inc()
            raise FetchError("robots", f"robots.txt disallows {url}")
        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.limits.attempts),
            wait=tenacity.wait_exponential(multiplier=self.limits.backoff),
            retry=tenacity.retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            return await retrying(self._once, host, url, headers or {}, kind)
        except FetchError as exc:
            metrics.FEED_FETCH_ERRORS.labels(exc.kind).inc()
            raise FetchError(exc.kind, exc.detail) from None

    def _host(self, url: str) -> _Host:
        netloc = urlsplit(url).netloc.lower()
        if netloc not in self._hosts:
            self._hosts[netloc] = _Host(asyncio.Semaphore(self.limits.per_host))
        return self._hosts[netloc]

    async def _allowed(self, host: _Host, url: str) -> bool:
        """robots.txt, read once per host; none (or unreadable) allows everything."""
        async with host.robots_lock:
            if host.robots is None:
                parts = urlsplit(url)
                robots = urllib.robotparser.RobotFileParser()
                try:
                    found = await self._once(host, f"{parts.scheme}://{parts.netloc}/robots.txt",
                                             {}, "robots")
                    robots.parse(found.body.decode("utf-8", "replace").splitlines())
                except FetchError:
                    robots.parse([])
                host.robots = robots
        return host.robots.can_fetch(USER_AGENT, url)

    async def _once(self, host: _Host, url: str, headers: dict[str, str], kind: str) -> Response:
        async with host.slots:
            async with host.lock:  # the gap is between starts, so queued requests space out
                wait = host.last_start + self.limits.min_gap - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                host.last_start = time.monotonic()
            began = time.perf_counter()
            try:
                response = await self._read(url, headers)
            finally:
                metrics.FEED_FETCH_SECONDS.labels(kind).observe(time.perf_counter() - began)
        if response.status in _TRANSIENT_STATUS:
            raise _Transient("status", f"HTTP {response.status} from {url}")
        if response.status >= 400:
            raise FetchError("status", f"HTTP {response.status} from {url}")
        return response

    async def _read(self, url: str, headers: dict[str, str]) -> Response:
        limit = self.limits.max_bytes
        try:
            async with self._client.stream("GET", url, headers=headers) as answer:
                declared = answer.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError("too_large", f"{url}: {declared} bytes, limit {limit}")
                body = bytearray()
                async for chunk in answer.aiter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise FetchError("too_large", f"{url}: over {limit} bytes")
                return Response(str(answer.url), answer.status_code, answer.headers, bytes(body))
        except httpx.TimeoutException:
            raise _Transient("timeout", f"{url}: no answer in {self.limits.timeout}s") from None
        except httpx.TransportError as exc:
            raise _Transient("connection", f"{url}: {exc!r}") from None
        except httpx.InvalidURL as exc:
            raise FetchError("bad_url", f"{url}: {exc}") from None
