"""serve-ingest's limits on clients, where aiohttp has none of its own: a cap on open
connections, body bytes held across requests, and a body read against a deadline and a
size limit as it streams in.

The header deadline is aiohttp's own keep-alive timer, which (since 3.10) runs from the
moment a connection opens and from each response, and closes the connection if no complete
request head arrived by then: serve-ingest sets it to NEWSFLOW_INGEST_HEADER_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
from collections.abc import AsyncIterator, Callable

import orjson
from aiohttp import web

from newsflow import metrics

log = logging.getLogger(__name__)

# Descriptors kept free under the connection cap: Kafka connections, files, the listener,
# and the refused connections lingering (below).
RESERVED_DESCRIPTORS = 64
# A connection refused at the cap is half-closed after its 503 and closed when the client
# closes or after this long: closing at once, with the request unread, would reset it and
# lose the 503. At most MAX_LINGERING linger at once; past that they are closed at once.
REFUSAL_LINGER_SECONDS = 1.0
MAX_LINGERING = 32
RETRY_AFTER_SECONDS = 1


class Refusal(Exception):
    """A request refused before its body was wholly read: answered, then the connection is
    closed (nothing of the rest of the body is read beyond a short linger)."""

    def __init__(self, status: int, reason: str, detail: str, retry: bool = False):
        super().__init__(detail)
        self.status, self.reason, self.detail, self.retry = status, reason, detail, retry


class Budget:
    """A count of something held (articles in flight, body bytes) that refuses instead of
    waiting when a request would take it past its limit."""

    def __init__(self, limit: int, gauge=None):
        self.limit, self.held, self._gauge = limit, 0, gauge

    def take(self, n: int) -> bool:
        if self.held + n > self.limit:
            return False
        self._add(n)
        return True

    def give(self, n: int) -> None:
        self._add(-n)

    def _add(self, n: int) -> None:
        self.held += n
        if self._gauge is not None:
            self._gauge.set(self.held)


@contextlib.asynccontextmanager
async def body(request: web.Request, limit: int, memory: Budget, timeout: float
               ) -> AsyncIterator[bytearray]:
    """The request body, its bytes counted against ``memory`` until the block ends.

    Refused (Refusal) with 413 when its Content-Length, or the bytes read so far for a
    chunked one, pass ``limit``: before reading, or as soon as it passes; 503 when the
    memory budget is spent; 408 when it has not wholly arrived ``timeout`` seconds after
    its headers (a body trickled a byte at a time is not held for long)."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise Refusal(413, "oversize", f"Content-Length {declared} over the limit of {limit} bytes")
    held = 0
    try:
        if declared is not None:
            if not memory.take(declared):
                raise _busy(memory)
            held = declared
        data = bytearray()
        try:
            async with asyncio.timeout(timeout):
                async for chunk in request.content.iter_any():
                    if len(data) + len(chunk) > limit:
                        raise Refusal(413, "oversize", f"request body over {limit} bytes")
                    if declared is None:
                        if not memory.take(len(chunk)):
                            raise _busy(memory)
                        held += len(chunk)
                    data += chunk
        except TimeoutError:
            raise Refusal(408, "body_timeout", f"the body did not arrive within {timeout:g}s "
                                               f"({len(data)} bytes came)") from None
        yield data
    finally:
        memory.give(held)


def _busy(memory: Budget) -> Refusal:
    return Refusal(503, "busy", f"the server holds {memory.held} bytes of request bodies, "
                                f"limit {memory.limit}; retry later", retry=True)


def refusal_response(status: int, reason: str, detail: str, retry: bool = False,
                     close: bool = False) -> web.Response:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if retry else {}
    response = web.json_response({"error": reason, "detail": detail}, status=status,
                                 headers=headers)
    if close:
        response.force_close()
    return response


def connection_limit(wanted: int) -> int:
    """``wanted``, lowered to stay below the descriptor limit (RLIMIT_NOFILE) with
    RESERVED_DESCRIPTORS to spare: past the cap connections are refused, never starved."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = soft - RESERVED_DESCRIPTORS if soft != resource.RLIM_INFINITY else wanted
    if room < 1:
        raise ValueError(f"the descriptor limit ({soft}) leaves no room for connections")
    if wanted > room:
        log.warning("NEWSFLOW_INGEST_MAX_CONNECTIONS=%d lowered to %d: the descriptor limit "
                    "is %d", wanted, room, soft)
    return min(wanted, room)


_CAP_BODY = orjson.dumps({"error": "too_many_connections",
                          "detail": "the server holds its maximum of connections; retry later"})
_CAP_REFUSAL = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                b"Retry-After: %d\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
                % (RETRY_AFTER_SECONDS, len(_CAP_BODY), _CAP_BODY))


class ConnectionCap:
    """A protocol factory around aiohttp's (``runner.server``): at most ``limit``
    connections at once. One more is answered 503 as soon as it opens, before any of it is
    parsed, and closed; the open ones are not touched. With TLS a connection counts once
    its handshake is done (the handshake itself has the header deadline)."""

    def __init__(self, factory: Callable[[], asyncio.Protocol], limit: int):
        self.factory, self.limit, self.open, self.lingering = factory, limit, 0, 0

    def __call__(self) -> asyncio.Protocol:
        return _Capped(self)

    def _admit(self) -> bool:
        if self.open >= self.limit:
            metrics.HTTP_INGEST_CONNECTIONS_REFUSED.inc()
            return False
        self.open += 1
        metrics.HTTP_INGEST_CONNECTIONS.set(self.open)
        return True

    def _release(self) -> None:
        self.open -= 1
        metrics.HTTP_INGEST_CONNECTIONS.set(self.open)


class _Capped(asyncio.Protocol):
    """Forwards every event to aiohttp's protocol, made only for an admitted connection; a
    refused one is answered, then what it sends is dropped until it closes."""

    def __init__(self, cap: ConnectionCap):
        self._cap = cap
        self._inner: asyncio.Protocol | None = None
        self._linger: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._cap._admit():
            self._inner = self._cap.factory()
            self._inner.connection_made(transport)
            return
        transport.write(_CAP_REFUSAL)
        if self._cap.lingering >= MAX_LINGERING or not transport.can_write_eof():
            transport.close()
            return
        self._cap.lingering += 1
        transport.write_eof()
        self._linger = asyncio.get_running_loop().call_later(REFUSAL_LINGER_SECONDS, transport.close)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._inner is not None:
            self._cap._release()
            self._inner.connection_lost(exc)
        elif self._linger is not None:
            self._linger.cancel()
            self._cap.lingering -= 1

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else False

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()
