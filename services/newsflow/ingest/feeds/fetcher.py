"""Polite, guarded HTTP fetching for feed ingestion: per-host limits, robots.txt, the
fetch policy, deadlines.

Publishers' servers are not ours: every request names the project in its User-Agent, waits
for a free per-host slot and a minimum gap since the host's previous request, and is retried
with exponential backoff (tenacity) only when the failure is transient (connection errors,
timeouts, 429 and 5xx answers). Feeds are not ours either, nor are their links: each
request, each redirect hop included, goes only where the fetch policy allows
(fetch_policy.py, checked_network.py), must be over within a deadline, and its body is read
only up to a size limit of decoded bytes (inflate.py). Redirects are followed here, hop by
hop, so that each hop gets the policy, robots.txt and the politeness of its own host.
"""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import logging
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
import tenacity

from newsflow import metrics
from newsflow.ingest.feeds.network import CheckedTransport, RefusedAddress, Unresolvable
from newsflow.ingest.feeds.policy import (PUBLIC_ONLY, REFUSED, AllowList, InvalidURL, Refused,
                                   check_url, is_public)
from newsflow.ingest.feeds.inflate import ACCEPT_ENCODING, BoundedDecoder, TooLarge, Undecodable

USER_AGENT = "newsflow-ingest/0.1 (+https://github.com/newsflow/newsflow)"
# The configured feed a fetch is made for (its pages too), set by the poll: the ``feed``
# label of the fetch series. A context variable, so that each feed's concurrent poll has its own.
FEED_LABEL: contextvars.ContextVar[str] = contextvars.ContextVar("feed_label", default="")
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
# httpx logs every request at INFO; fetch errors are reported by the callers instead
logging.getLogger("httpx").setLevel(logging.WARNING)


class FetchError(Exception):
    """A fetch that failed for good; ``kind`` is a short code (a metric label). The text is
    fixed per kind, whatever the network said: see docs/security.md, "Fetch policy"."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


class _Transient(FetchError):
    """A failure worth retrying."""


@dataclass(frozen=True, slots=True)
class Limits:
    per_host: int = 2  # concurrent requests to one host
    min_gap: float = 1.0  # seconds between two requests to one host starting
    timeout: float = 10.0  # seconds, per network operation (connect, each read)
    deadline: float = 30.0  # seconds, per request: connect, headers and the whole body
    max_bytes: int = 5 * 1024 * 1024  # a page or feed larger than this is refused (decoded)
    attempts: int = 3  # tries per request, transient failures only
    backoff: float = 0.5  # first wait; doubles per attempt
    max_redirects: int = 5  # hops followed per fetch
    poll_deadline: float = 120.0  # seconds, per feed poll: the feed and its items' pages
    max_items: int = 100  # new items taken from one feed per poll; the rest wait for the next


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes
    private: bool = False  # answered from a non-public address (one the allow-list let in)


@dataclass(slots=True)
class _Host:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # spacing of request starts
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one robots.txt fetch
    last_start: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None


class Fetcher:
    """GETs under the politeness rules and the fetch policy; one per running ingest.

    ``allow`` (NEWSFLOW_FETCH_ALLOW) lets in private networks and hosts, but only for
    fetches with ``allow_private``: the feed URLs the operator gave, and links and
    redirects found on allow-listed hosts. A public feed or page can never lead the
    fetcher to a private address, allow-listed or not."""

    def __init__(self, limits: Limits = Limits(), allow: AllowList = PUBLIC_ONLY):
        self.limits = limits
        self._clients = {private: httpx.AsyncClient(
            transport=CheckedTransport(allow if private else PUBLIC_ONLY),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=limits.timeout, follow_redirects=False, trust_env=False,
        ) for private in (False, True)}
        self._hosts: dict[str, _Host] = {}

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def get(self, url: str, headers: dict[str, str] | None = None, kind: str = "page",
                  allow_private: bool = False) -> Response:
        """The response (any status below 400 but a redirect, 304 included), or FetchError
        (which the caller reports and counts: it knows what the fetch was for)."""
        try:
            return await self._follow(url, headers or {}, kind, allow_private, robots=True)
        except FetchError as exc:
            raise FetchError(exc.kind, exc.detail) from None

    async def _follow(self, url: str, headers: dict[str, str], kind: str, allow_private: bool,
                      robots: bool) -> Response:
        """Redirects, hop by hop: each one checked, polite, and under robots.txt."""
        first = url
        for _ in range(self.limits.max_redirects + 1):
            _check(url)
            host = self._host(url)
            if robots and not await self._allowed(host, url, allow_private):
                raise FetchError("robots", f"robots.txt disallows {url}")
            response = await self._retrying()(self._once, host, url, headers, kind,
                                              allow_private)
            location = response.headers.get("location")
            if response.status not in _REDIRECT_STATUS or not location:
                return response
            try:
                url = urljoin(url, location.strip())
            except ValueError:
                raise FetchError("bad_url", f"{url}: redirect to an invalid URL") from None
            allow_private = allow_private and response.private
        raise FetchError("redirects", f"{first}: more than {self.limits.max_redirects} redirects")

    def _retrying(self) -> tenacity.AsyncRetrying:
        return tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.limits.attempts),
            wait=tenacity.wait_exponential(multiplier=self.limits.backoff),
            retry=tenacity.retry_if_exception_type(_Transient),
            reraise=True,
        )

    def _host(self, url: str) -> _Host:
        netloc = urlsplit(url).netloc.lower()
        if netloc not in self._hosts:
            self._hosts[netloc] = _Host(asyncio.Semaphore(self.limits.per_host))
        return self._hosts[netloc]

    async def _allowed(self, host: _Host, url: str, allow_private: bool) -> bool:
        """robots.txt, read once per host; none (or unreadable) allows everything."""
        async with host.robots_lock:
            if host.robots is None:
                parts = urlsplit(url)
                robots = urllib.robotparser.RobotFileParser()
                try:
                    found = await self._follow(f"{parts.scheme}://{parts.netloc}/robots.txt",
                                               {}, "robots", allow_private, robots=False)
                    robots.parse(found.body.decode("utf-8", "replace").splitlines())
                except FetchError as exc:
                    if exc.kind == "refused":  # and so is the request: nothing to remember
                        return True
                    robots.parse([])
                host.robots = robots
        return host.robots.can_fetch(USER_AGENT, url)

    async def _once(self, host: _Host, url: str, headers: dict[str, str], kind: str,
                    allow_private: bool) -> Response:
        async with host.slots:
            async with host.lock:  # the gap is between starts, so queued requests space out
                wait = host.last_start + self.limits.min_gap - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                host.last_start = time.monotonic()
            began = time.perf_counter()
            try:
                response = await self._read(url, headers, allow_private)
            finally:
                metrics.FEED_FETCH_SECONDS.labels(FEED_LABEL.get(), kind).observe(
                    time.perf_counter() - began)
        if response.status in _TRANSIENT_STATUS:
            raise _Transient("status", f"HTTP {response.status} from {url}")
        if response.status >= 400:
            raise FetchError("status", f"HTTP {response.status} from {url}")
        return response

    async def _read(self, url: str, headers: dict[str, str], allow_private: bool) -> Response:
        limit, limits = self.limits.max_bytes, self.limits
        try:
            async with asyncio.timeout(limits.deadline):
                async with self._clients[allow_private].stream("GET", url,
                                                               headers=headers) as answer:
                    declared = answer.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        raise FetchError("too_large", f"{url}: {declared} bytes, limit {limit}")
                    decoder = BoundedDecoder(answer.headers.get("content-encoding", ""), limit)
                    body, received = bytearray(), 0
                    async for chunk in answer.aiter_raw():
                        received += len(chunk)
                        if received > limit:
                            raise FetchError("too_large", f"{url}: over {limit} bytes")
                        body += decoder.feed(chunk)
                    body += decoder.flush()
                    return Response(url, answer.status_code, answer.headers, bytes(body),
                                    private=_from_private_address(answer))
        except TooLarge:
            raise FetchError("too_large", f"{url}: over {limit} bytes decoded") from None
        except Undecodable as exc:
            raise FetchError("decoding", f"{url}: {exc}") from None
        except RefusedAddress:
            raise FetchError("refused", f"{url}: {REFUSED}") from None
        except Unresolvable:
            raise _Transient("dns", f"{url}: the host name does not resolve") from None
        except TimeoutError:  # answering, but too slowly: another try would be as slow
            raise FetchError("timeout", f"{url}: not complete in {limits.deadline}s") from None
        except httpx.TimeoutException:
            raise _Transient("timeout", f"{url}: no answer in {limits.timeout}s") from None
        except httpx.DecodingError:
            raise FetchError("decoding", f"{url}: the answer could not be decoded") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise FetchError("bad_url", f"{url}: not a URL that can be fetched") from None
        except httpx.HTTPError:  # connect failures, resets, broken HTTP: the rest of them
            raise _Transient("connection", f"{url}: the connection failed") from None


def _check(url: str) -> None:
    try:
        check_url(url)
    except Refused:
        raise FetchError("refused", f"{url}: {REFUSED}") from None
    except InvalidURL as exc:
        raise FetchError("bad_url", f"{url}: {exc}") from None


def _from_private_address(answer: httpx.Response) -> bool:
    stream = answer.extensions.get("network_stream")
    address = stream.get_extra_info("server_addr") if stream else None
    if not address:
        return False
    return not is_public(ipaddress.ip_address(address[0]))
