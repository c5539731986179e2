"""Feed ingestion and the HTTP endpoint against the real broker (and, once, the worker)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses

import httpx
import orjson
import pytest
from aiohttp import web

from newsflow.ingest.http.server import make_app
from newsflow.ingest.feeds.follow import feed_polls
from newsflow.local.broker import free_port
from newsflow.kafka.reader import collect
from newsflow.ingest.feeds.fetcher import Limits
from newsflow.topics import validate
from tests.fixtures.feeds.server import FeedServer

pytestmark = pytest.mark.integration

FAST = Limits(min_gap=0, backoff=0.01, timeout=5)
GOOD = {"title": "Bridge reopens", "body": "The mayor said the bridge will reopen on Monday.",
        "published": "2025-07-14", "url": "https://example.com/bridge"}


@pytest.fixture(scope="module")
async def publisher():
    server = await FeedServer().start()
    yield server
    await server.stop()


@pytest.fixture(scope="module")
async def endpoint(settings):
    """serve-ingest's app on a free port; its in-flight bound is 4, to provoke 429s."""
    runner = web.AppRunner(make_app(settings, max_in_flight=4))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, settings.bind, port).start()
    async with httpx.AsyncClient(base_url=f"http://{settings.bind}:{port}", timeout=30) as client:
        yield client
    await runner.cleanup()


async def poll_once(settings, feeds: list[str]) -> list[str]:
    """One poll of the feeds, as by `newsflow ingest --once`; the ids published. The
    fixture publisher is on 127.0.0.1, which the fetch policy refuses unless allowed."""
    settings = dataclasses.replace(settings, fetch_allow="127.0.0.1")
    async with contextlib.aclosing(feed_polls(settings, feeds, 0, limits=FAST)) as polls:
        return await anext(polls)


def raw_with(ids):
    return lambda found: {m["id"] for m in found["raw"]} >= set(ids)


async def test_feed_items_are_published_once_across_polls_and_a_restart(settings, publisher):
    feeds = [publisher.feed_url("rss.xml"), publisher.feed_url("atom.xml")]
    first = await poll_once(settings, feeds)
    assert len(first) == 4
    # a restart: the seen store is reopened from NEWSFLOW_DATA_DIR; the feeds answer 304
    assert await poll_once(settings, feeds) == []
    statuses = [h.get("If-None-Match") for p, h in publisher.requests if p == "/feeds/rss.xml"]
    assert statuses[0] is None and statuses[1]
    found = await collect(settings, ["raw"], raw_with(first), timeout=30)
    mine = [m for m in found["raw"] if m["id"] in first]
    assert sorted(m["id"] for m in mine) == sorted(first)  # each exactly once
    by_url = {m["url"]: m for m in mine}
    talks = by_url[f"{publisher.base}/articles/peace-talks.html"]
    assert talks["_record"]["key"] == talks["id"].encode()
    assert talks["extraction"] == "page" and talks["published"] == "2025-07-14"
    assert by_url[f"{publisher.base}/articles/missing.html"]["extraction"] == "feed-summary"
    for message in mine:
        message.pop("_record")
        validate(message)


async def test_a_changed_item_is_published_again_under_its_id(settings, publisher):
    url = publisher.feed_url("changed.xml")
    [first] = await poll_once(settings, [url])
    publisher.version = 2
    assert await poll_once(settings, [url]) == [first]
    assert await poll_once(settings, [url]) == []
    found = await collect(settings, ["raw"], lambda f: sum(m["id"] == first for m in f["raw"]) >= 2,
                          timeout=30)
    assert sum(m["id"] == first for m in found["raw"]) == 2


async def test_the_endpoint_accepts_one_article_and_a_batch(settings, endpoint):
    one = await endpoint.post("/articles", content=orjson.dumps(GOOD),
                              headers={"Content-Type": "application/json"})
    assert one.status_code == 202
    batch = b"\n".join(orjson.dumps({**GOOD, "url": f"https://example.com/{n}"}) for n in range(3))
    many = await endpoint.post("/articles", content=batch,
                               headers={"Content-Type": "application/x-ndjson"})
    assert many.status_code == 202
    ids = one.json()["ids"] + many.json()["ids"]
    assert len(set(ids)) == 4
    found = await collect(settings, ["raw"], raw_with(ids), timeout=30)
    assert {m["id"] for m in found["raw"]} >= set(ids)


@pytest.mark.parametrize("body, content_type, status, reason", [
    (b'{"title": "unterminated', "application/json", 400, "malformed_json"),
    (b'{"title": "t", "body": "Sch\xf6n"}', "application/json", 400, "not_utf8"),
    (orjson.dumps(GOOD), "text/plain", 415, "unsupported_media_type"),
    (orjson.dumps({**GOOD, "body": "word " * 20_000}), "application/json", 413, "oversize"),
    (orjson.dumps({"title": "no body"}), "application/json", 422, "missing_body"),
    (orjson.dumps({**GOOD, "published": "someday"}), "application/json", 422, "bad_date"),
    (orjson.dumps([GOOD]), "application/json", 422, "wrong_type"),
    (b"", "application/x-ndjson", 400, "empty"),
    (b"\n".join([orjson.dumps(GOOD)] * 5), "application/x-ndjson", 413, "batch_too_large"),
])
async def test_the_endpoint_refuses_bad_input_with_the_reason(
        endpoint, body, content_type, status, reason):
    answer = await endpoint.post("/articles", content=body, headers={"Content-Type": content_type})
    assert answer.status_code == status
    assert answer.json()["error"] == reason and answer.json()["detail"]


async def test_a_batch_with_one_bad_line_publishes_nothing(settings, endpoint):
    good = {**GOOD, "url": "https://example.com/never-published"}
    batch = orjson.dumps(good) + b"\n" + orjson.dumps({"title": "no body"}) + b"\n"
    answer = await endpoint.post("/articles", content=batch,
                                 headers={"Content-Type": "application/x-ndjson"})
    assert answer.status_code == 422 and "line 2" in answer.json()["detail"]
    found = await collect(settings, ["raw"], lambda f: False, timeout=3)
    assert good["url"] not in {m["url"] for m in found["raw"]}


async def test_the_endpoint_pushes_back_when_the_producer_is_busy(endpoint):
    async def post(n):
        return await endpoint.post("/articles", headers={"Content-Type": "application/json"},
                                   content=orjson.dumps({**GOOD, "url": f"https://e.com/{n}"}))

    answers = await asyncio.gather(*(post(n) for n in range(30)))
    statuses = [a.status_code for a in answers]
    assert 202 in statuses and 429 in statuses and set(statuses) == {202, 429}
    busy = next(a for a in answers if a.status_code == 429)
    assert busy.headers["Retry-After"] == "1" and busy.json()["error"] == "busy"


async def test_the_endpoint_serves_metrics_and_health(endpoint):
    assert (await endpoint.get("/healthz")).json() == {"status": "ok"}
    text = (await endpoint.get("/metrics")).text
    assert 'newsflow_http_ingest_requests_total{status="202"}' in text
    assert 'newsflow_http_ingest_requests_total{status="429"}' in text
    assert "newsflow_feed_fetch_seconds_bucket" in text


async def test_a_feed_item_comes_out_enriched(settings, publisher, worker):
    [bridge] = await poll_once(settings, [publisher.feed_url("relative.xml")])
    found = await collect(settings, ["enriched", "entities"],
                          lambda f: any(m["id"] == bridge for m in f["enriched"]), timeout=120)
    [article] = [m for m in found["enriched"] if m["id"] == bridge]
    assert article["url"] == f"{publisher.base}/articles/bridge.html"
    assert "Anna Schmidt" in {e["name"] for e in article["canonical_entities"]}
