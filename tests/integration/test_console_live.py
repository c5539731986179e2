"""The console's live events against the real broker: what a transaction commits on the
enriched topic reaches every connected page, what it aborts reaches none, dead letters are
listed with their reason, and a new page is told `hello` first (docs/console.md)."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from newsflow.archive import api, database
from newsflow.console.routes import CONSOLE, Console, install
from newsflow.core.entities.aliases import load
from newsflow.kafka.clients import producer, started
from newsflow.topics import messages
from newsflow.topics.registry import DEAD_LETTER, ENRICHED

PAGES = 20


async def read_events(response: aiohttp.ClientResponse, wanted, timeout: float = 30.0) -> list[dict]:
    """Server-sent events from ``response`` until ``wanted(events)`` is true."""
    events, kind = [], None
    async with asyncio.timeout(timeout):
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append({"event": kind, **orjson.loads(line[6:])})
                if wanted(events):
                    return events
    raise AssertionError(f"the stream ended: {events}")


def articles(events: list[dict]) -> list[str]:
    return [e["id"] for e in events if e["event"] == "article"]


@pytest.fixture
async def console(settings, tmp_path):
    engine = database.open_archive(settings.override(data_dir=str(tmp_path)))
    app = api.make_app(api.Archive(engine, load()))
    install(app, Console.of(settings.override(console_workers="http://127.0.0.1:9")))
    server = TestServer(app)
    await server.start_server()
    for _ in range(100):  # the feed has assigned its partitions: it follows from the end
        if app[CONSOLE].feed.connected:
            break
        await asyncio.sleep(0.1)
    yield server
    await server.close()
    engine.dispose()


async def test_committed_articles_reach_every_page_and_aborted_ones_none(settings, console, seed_enriched):
    topic = ENRICHED.name(settings.topic_prefix)
    sender = await started(producer(settings, transactional_id=f"{settings.app_id}-console"), settings)
    async with aiohttp.ClientSession() as http:
        pages = [await http.get(console.make_url("/console/events")) for _ in range(PAGES)]
        for page in pages:
            assert page.headers["Content-Type"].startswith("text/event-stream")
            assert (await read_events(page, lambda e: e))[0]["event"] == "hello"
        try:
            for article_id, commit in (("aborted-article", False), ("committed-article", True)):
                await sender.begin_transaction()
                message = messages.enriched_article({**seed_enriched, "id": article_id}, 0.0)
                await sender.send_and_wait(topic, messages.encode(message), key=article_id.encode())
                await (sender.commit_transaction() if commit else sender.abort_transaction())
        finally:
            await sender.stop()
        for page in pages:
            events = await read_events(page, lambda e: "committed-article" in articles(e))
            assert articles(events) == ["committed-article"]
            card = next(e for e in events if e["event"] == "article")
            assert {"name": "Dmitry Peskov", "role": "Kremlin spokesman"} in card["speakers"]
            assert card["committed_at"] > 0 and card["offset"] >= 0
            page.close()


async def test_dead_letters_are_listed_with_their_reason(settings, console):
    letter = {"schema": "dead_letter/1", "reason": "malformed_json", "detail": "bad <b>json</b>",
              "stage": "worker", "article_id": None, "size": 9, "sha256": "0" * 64,
              "source": {"topic": "t.raw", "partition": 0, "offset": 7},
              "payload_b64": "PHNjcmlwdD4=", "preview": "<script>"}
    async with aiohttp.ClientSession() as http:
        page = await http.get(console.make_url("/console/events"))
        sender = await started(producer(settings), settings)
        try:
            await sender.send_and_wait(DEAD_LETTER.name(settings.topic_prefix), orjson.dumps(letter))
        finally:
            await sender.stop()
        events = await read_events(page, lambda e: any(x["event"] == "deadletter" for x in e))
        shown = next(e for e in events if e["event"] == "deadletter")
        assert shown["reason"] == "malformed_json" and shown["preview"] == "<script>"
        listed = await (await http.get(console.make_url("/api/console/deadletters"))).json()
        assert listed["counts"]["malformed_json"] >= 1
        assert listed["letters"][0]["source"] == {"topic": "t.raw", "partition": 0, "offset": 7}
        page.close()
