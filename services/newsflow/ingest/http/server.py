"""`newsflow serve-ingest`: an HTTP endpoint for systems that push articles.

POST /articles takes one JSON article (application/json) or a JSONL batch
(application/x-ndjson), with a bearer token when tokens are configured (ingest_auth). A
batch is validated whole before anything is sent, so a 4xx means nothing of it was
published. 202 comes once the broker has committed every article (group_commit: a request
answered with an error is never published, not even later). The number of articles in
flight is bounded: past it the answer is 429 with Retry-After. Slow and many clients are
bounded by http_guard: header and body deadlines, a connection cap, a cap on body bytes
held. GET /metrics (Prometheus), /healthz (the process is up) and /readyz (the broker
answers) need no token. Limits and their settings: docs/ingestion.md, docs/security.md.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
import uuid
from dataclasses import dataclass

import prometheus_client
from aiohttp import web

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.article import Article, BadArticle
from newsflow.core.parse import from_message
from newsflow.ingest.http.group_commit import GroupCommit, NotPublished
from newsflow.ingest.http.guard import (
    Budget,
    ConnectionCap,
    Refusal,
    body,
    connection_limit,
    refusal_response,
)
from newsflow.ingest.http.auth import DoorError, Tokens, check_exposure, server_tls
from newsflow.topics import messages
from newsflow.topics.registry import RAW

JSON, NDJSON = "application/json", "application/x-ndjson"
MAX_BATCH = 500  # articles per request
MAX_IN_FLIGHT = 1000  # articles sent and not yet committed, across requests
LINGER_SECONDS = 2.0  # after a refusal, the rest of a body is read (and dropped) this long
OPEN_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})  # no token needed
# BadArticle reasons that are the request's syntax (400) or size (413); the rest are an
# article that parsed but breaks the raw-article contract (422).
_STATUS = {"oversize": 413, "not_utf8": 400, "binary": 400, "malformed_json": 400}
PUBLISHER: web.AppKey[GroupCommit] = web.AppKey("publisher", GroupCommit)


def _refuse(status: int, reason: str, detail: str, retry: bool = False, close: bool = False
            ) -> web.Response:
    metrics.HTTP_INGEST_REQUESTS.labels(str(status)).inc()
    return refusal_response(status, reason, detail, retry, close)


def _articles(data: bytearray, content_type: str, max_bytes: int) -> tuple[list[Article], int]:
    """Every article of the body and the number of blank lines skipped; BadArticle (naming
    the line, in a batch) on the first bad one."""
    if content_type == JSON:
        return [from_message(data, max_bytes)], 0
    found, blank = [], 0
    for number, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            blank += 1
            continue
        try:
            found.append(from_message(line.rstrip(b"\r"), max_bytes))
        except BadArticle as exc:
            raise BadArticle(exc.reason, f"line {number}: {exc.detail}") from None
    if data.endswith(b"\n"):
        blank -= 1  # the line end of the last line
    return found, blank


def _record(article: Article) -> tuple[bytes, bytes]:
    return article.id.encode(), messages.encode(messages.raw_article(article, time.time()))


def _authenticate(tokens: Tokens):
    """A middleware: 401 (with WWW-Authenticate) unless the request carries a valid bearer
    token, for every path but OPEN_PATHS. The body is not read for a refused request."""

    @web.middleware
    async def authenticate(request: web.Request, handler):
        if request.path in OPEN_PATHS:
            return await handler(request)
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        presented = presented.strip()
        if scheme.lower() == "bearer" and presented:
            if tokens.accepts(presented):
                return await handler(request)
            reason, challenge = "invalid", 'Bearer realm="newsflow", error="invalid_token"'
        else:
            reason, challenge = "missing", 'Bearer realm="newsflow"'
        metrics.HTTP_INGEST_AUTH_FAILURES.labels(reason).inc()
        response = _refuse(401, "unauthorized", f"{reason} bearer token", close=True)
        response.headers["WWW-Authenticate"] = challenge
        return response

    return authenticate


def make_app(settings: Settings, max_in_flight: int = MAX_IN_FLIGHT, *,
             tokens: Tokens | None = None, transactional_id: str | None = None
             ) -> web.Application:
    """The application; it connects its publisher on start-up (errors.Unavailable, one line, if
    no broker answers). ``transactional_id`` default: one of its own, unique (serve() gives
    a stable one, so that a restart fences its predecessor)."""
    metrics.MESSAGES_PRODUCED.labels(RAW.role)  # exported at 0 from the start
    tokens = tokens or Tokens(settings.ingest_tokens, settings.ingest_tokens_file)
    transactional_id = transactional_id or (
        f"{settings.topic_prefix}http-ingest.{uuid.uuid4().hex}")
    in_flight = Budget(max_in_flight)
    memory = Budget(settings.ingest_max_buffered_bytes, metrics.HTTP_INGEST_BUFFERED_BYTES)
    max_batch = min(MAX_BATCH, max_in_flight)
    max_request = min(settings.ingest_max_request_bytes, settings.ingest_max_buffered_bytes)

    async def post_articles(request: web.Request) -> web.Response:
        if request.content_type not in (JSON, NDJSON):
            return _refuse(415, "unsupported_media_type",
                           f"Content-Type must be {JSON} or {NDJSON}, not {request.content_type}",
                           close=True)
        publisher = request.app[PUBLISHER]
        if publisher.problem:  # before reading a body that could not be published
            return _refuse(503, "broker_unavailable", publisher.problem, retry=True, close=True)
        limit = settings.max_bytes if request.content_type == JSON else max_request
        try:
            async with body(request, limit, memory, settings.ingest_body_timeout_seconds) as data:
                return await _publish(publisher, request.content_type, data)
        except Refusal as refused:
            return _refuse(refused.status, refused.reason, refused.detail, refused.retry,
                           close=True)

    async def _publish(publisher: GroupCommit, content_type: str, data: bytearray
                       ) -> web.Response:
        try:
            articles, blank = _articles(data, content_type, settings.max_bytes)
        except BadArticle as exc:
            return _refuse(_STATUS.get(exc.reason, 422), exc.reason, exc.detail)
        metrics.BLANK_LINES.inc(blank)
        if not articles:
            return _refuse(400, "empty", "no article in the request")
        if len(articles) > max_batch:  # a batch that could never fit would get 429s forever
            return _refuse(413, "batch_too_large", f"{len(articles)} articles, limit {max_batch}")
        if not in_flight.take(len(articles)):
            return _refuse(429, "busy", "too many articles in flight; retry later", retry=True)
        try:
            await publisher.publish([_record(article) for article in articles])
        except NotPublished as exc:
            return _refuse(503, "broker_unavailable", str(exc), retry=True)
        finally:
            in_flight.give(len(articles))
        metrics.INGESTED.labels("published").inc(len(articles))
        metrics.MESSAGES_PRODUCED.labels(RAW.role).inc(len(articles))  # committed
        metrics.HTTP_INGEST_REQUESTS.labels("202").inc()
        answer = {"ids": [a.id for a in articles], **({"blank_lines": blank} if blank else {})}
        return web.json_response(answer, status=202)

    async def get_metrics(request: web.Request) -> web.Response:
        return web.Response(body=prometheus_client.generate_latest(),
                            headers={"Content-Type": prometheus_client.CONTENT_TYPE_LATEST})

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        problem = request.app[PUBLISHER].problem
        if problem:
            return web.json_response({"status": "not ready", "reason": problem}, status=503)
        return web.json_response({"status": "ready"})

    async def connect(app: web.Application):
        app[PUBLISHER] = GroupCommit(settings, RAW.name(settings.topic_prefix), transactional_id,
                                     settings.ingest_ack_timeout_seconds)
        await app[PUBLISHER].start()
        yield
        await app[PUBLISHER].stop()

    app = web.Application(middlewares=[_authenticate(tokens)] if tokens.configured else [])
    app.cleanup_ctx.append(connect)
    app.router.add_post("/articles", post_articles)
    app.router.add_get("/metrics", get_metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


@dataclass
class Door:
    """What serve-ingest is configured with, checked: tokens, TLS, the connection cap."""

    tokens: Tokens
    tls: ssl.SSLContext | None
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "Door":
        """DoorError (one line saying what to fix) for settings that are unsafe or broken."""
        tokens = Tokens(settings.ingest_tokens, settings.ingest_tokens_file)
        tls = server_tls(settings)
        check_exposure(settings, tokens, tls)
        try:
            return cls(tokens, tls, connection_limit(settings.ingest_max_connections))
        except ValueError as exc:
            raise DoorError(str(exc)) from None


@dataclass
class Serving:
    """A running serve-ingest: its port, and how to stop it."""

    port: int
    _server: asyncio.AbstractServer
    _runner: web.AppRunner

    async def stop(self) -> None:
        self._server.close()
        await self._runner.cleanup()


def transactional_id(settings: Settings, port: int) -> str:
    """Stable across restarts (a restart fences its predecessor and aborts its open
    transaction at once) and distinct between live servers (host and port)."""
    return f"{settings.topic_prefix}http-ingest.{settings.worker_id or socket.gethostname()}.{port}"


async def serve(settings: Settings, port: int, door: Door) -> Serving:
    """Connect to Kafka, then listen on NEWSFLOW_BIND:port."""
    app = make_app(settings, tokens=door.tokens, transactional_id=transactional_id(settings, port))
    runner = web.AppRunner(app, keepalive_timeout=settings.ingest_header_timeout_seconds,
                           lingering_time=LINGER_SECONDS)
    await runner.setup()
    server = await asyncio.get_running_loop().create_server(
        ConnectionCap(runner.server, door.max_connections), settings.bind, port, ssl=door.tls,
        ssl_handshake_timeout=settings.ingest_header_timeout_seconds if door.tls else None)
    return Serving(server.sockets[0].getsockname()[1], server, runner)
