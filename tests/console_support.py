"""The console in the test's own event loop (the archive's app with the console installed,
on a free port), and a reader of its server-sent events: shared by the integration and
fault tests of the live events."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import orjson
from aiohttp.test_utils import TestServer

from newsflow.archive import api, database
from newsflow.config import Settings
from newsflow.console.routes import CONSOLE, Console, install
from newsflow.core.entities.aliases import load
from newsflow.kafka.clients import producer, started
from newsflow.topics import messages
from newsflow.topics.registry import ENRICHED


@contextlib.asynccontextmanager
async def console_server(settings: Settings, folder):
    """A console (no workers to ask) whose live feed is following the topics' ends."""
    engine = database.open_archive(settings.override(data_dir=str(folder)))
    app = api.make_app(api.Archive(engine, load()))
    install(app, Console.of(settings.override(console_workers="http://127.0.0.1:9")))
    server = TestServer(app)
    await server.start_server()
    try:
        for _ in range(300):
            if app[CONSOLE].feed.connected:
                break
            await asyncio.sleep(0.1)
        yield server
    finally:
        await server.close()
        engine.dispose()


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


async def publish_enriched(settings: Settings, enriched: dict, ids: list[str],
                           commits: list[bool] | None = None) -> None:
    """One transaction per id on the enriched topic, as the worker writes them; each
    committed, or aborted where ``commits`` says False."""
    topic = ENRICHED.name(settings.topic_prefix)
    sender = await started(producer(settings, transactional_id=f"{settings.app_id}-console"), settings)
    try:
        for article_id, commit in zip(ids, commits or [True] * len(ids)):
            await sender.begin_transaction()
            message = messages.enriched_article({**enriched, "id": article_id}, 0.0)
            await sender.send_and_wait(topic, messages.encode(message), key=article_id.encode())
            await (sender.commit_transaction() if commit else sender.abort_transaction())
    finally:
        await sender.stop()
