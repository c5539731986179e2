"""`newsflow serve-ingest`: an HTTP endpoint for systems that push articles.

POST /articles takes one JSON article (application/json) or a JSONL batch
(application/x-ndjson). A batch is validated whole before anything is sent, so a 4xx means
nothing of it was published. 202 comes once the broker has acknowledged every article
(acks=all), with their ids. The number of articles in flight to the broker is bounded: past
it the answer is 429 with Retry-After, so a fast client slows down instead of growing the
producer's buffer. GET /metrics (Prometheus) and GET /healthz as on the worker.
"""

from __future__ import annotations

import asyncio

import prometheus_client
from aiohttp import web
from aiokafka.errors import KafkaError

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.article import Article, BadArticle
from newsflow.core.parse import from_message
from newsflow.ingest import Sink

JSON, NDJSON = "application/json", "application/x-ndjson"
MAX_BATCH = 500  # articles per request
MAX_IN_FLIGHT = 1000  # articles sent and not yet acknowledged, across requests
MAX_REQUEST_BYTES = 32 * 1024 * 1024  # a request body is held in memory whole
RETRY_AFTER_SECONDS = 1
# BadArticle reasons that are the request's syntax (400) or size (413); the rest are an
# article that parsed but breaks the raw-article contract (422).
_STATUS = {"oversize": 413, "not_utf8": 400, "binary": 400, "malformed_json": 400}
SINK: web.AppKey[Sink] = web.AppKey("sink", Sink)


class _InFlight:
    """A counter of unacknowledged articles that refuses instead of waiting."""

    def __init__(self, limit: int):
        self.limit, self.count = limit, 0

    def take(self, n: int) -> bool:
        if self.count + n > self.limit:
            return False
        self.count += n
        return True

    def give(self, n: int) -> None:
        self.count -= n


def _refuse(status: int, reason: str, detail: str, headers: dict | None = None
            ) -> web.Response:
    metrics.HTTP_INGEST_REQUESTS.labels(str(status)).inc()
    return web.json_response({"error": reason, "detail": detail}, status=status,
                             headers=headers)


def _articles(body: bytes, content_type: str, max_bytes: int) -> list[Article]:
    """Every article of the body; BadArticle (naming the line, in a batch) on the first bad one."""
    if content_type == JSON:
        return [from_message(body, max_bytes)]
    found = []
    for number, line in enumerate(body.split(b"\n"), 1):
        if line.strip():
            try:
                found.append(from_message(line.rstrip(b"\r"), max_bytes))
            except BadArticle as exc:
                raise BadArticle(exc.reason, f"line {number}: {exc.detail}") from None
    return found


def make_app(settings: Settings, max_in_flight: int = MAX_IN_FLIGHT) -> web.Application:
    in_flight = _InFlight(max_in_flight)
    max_batch = min(MAX_BATCH, max_in_flight)
    max_request = min(settings.max_bytes * max_batch, MAX_REQUEST_BYTES)

    async def post_articles(request: web.Request) -> web.Response:
        if request.content_type not in (JSON, NDJSON):
            return _refuse(415, "unsupported_media_type",
                           f"Content-Type must be {JSON} or {NDJSON}, not {request.content_type}")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413, "oversize", f"request over {max_request} bytes")
        try:
            articles = _articles(body, request.content_type, settings.max_bytes)
        except BadArticle as exc:
            return _refuse(_STATUS.get(exc.reason, 422), exc.reason, exc.detail)
        if not articles:
            return _refuse(400, "empty", "no article in the request")
        if len(articles) > max_batch:  # a batch that could never fit would get 429s forever
            return _refuse(413, "batch_too_large", f"{len(articles)} articles, limit {max_batch}")
        if not in_flight.take(len(articles)):
            return _refuse(429, "busy", "too many articles in flight; retry later",
                           headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        sink = request.app[SINK]
        try:
            await asyncio.gather(*[await sink.send(article) for article in articles])
        except KafkaError as exc:
            return _refuse(503, "broker_unavailable", f"not acknowledged: {exc!r}",
                           headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        finally:
            in_flight.give(len(articles))
        metrics.INGESTED.labels("published").inc(len(articles))
        metrics.HTTP_INGEST_REQUESTS.labels("202").inc()
        return web.json_response({"ids": [a.id for a in articles]}, status=202)

    async def get_metrics(request: web.Request) -> web.Response:
        return web.Response(body=prometheus_client.generate_latest(),
                            headers={"Content-Type": prometheus_client.CONTENT_TYPE_LATEST})

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def producer(app: web.Application):
        async with Sink(settings) as sink:
            app[SINK] = sink
            yield

    app = web.Application(client_max_size=max_request)
    app.cleanup_ctx.append(producer)
    app.router.add_post("/articles", post_articles)
    app.router.add_get("/metrics", get_metrics)
    app.router.add_get("/healthz", healthz)
    return app


def run(settings: Settings, port: int) -> int:
    web.run_app(make_app(settings), host=settings.bind, port=port,
                print=lambda *_: print(f"newsflow serve-ingest: http://{settings.bind}:{port}"))
    return 0
