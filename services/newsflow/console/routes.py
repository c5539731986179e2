"""The console's HTTP side, added to the archive's app (one process, one port): the page
and its files, the live events, and the console's JSON (docs/console.md).

Every answer carries a strict Content-Security-Policy: article text is untrusted, and
the pages run no script but their own files even if something slipped through unescaped.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from aiohttp import web

from newsflow.archive import queries
from newsflow.archive.api import ARCHIVE, error, run_query
from newsflow.config import Settings
from newsflow.errors import Unavailable
from newsflow.console import cards
from newsflow.console.feed import LiveFeed
from newsflow.console.hub import Full, Hub, event
from newsflow.console.snapshots import Snapshots

STATIC = Path(__file__).parent / "static"
KEEP_ALIVE_SECONDS = 15.0
WRITE_SECONDS = 10.0  # a page that takes longer to take one event is dropped
RETRY_MS = 2000
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; worker-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@dataclass
class Console:
    settings: Settings
    hub: Hub
    feed: LiveFeed
    snapshots: Snapshots
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    def of(cls, settings: Settings) -> "Console":
        hub = Hub(settings.console_max_clients, settings.console_queue_events)
        return cls(settings, hub, LiveFeed(settings, hub), Snapshots(settings, hub))


CONSOLE = web.AppKey("console", Console)


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events until the page goes, is dropped (too slow) or the console stops."""
    console = request.app[CONSOLE]
    try:
        client = console.hub.join()
    except Full as exc:
        return error(503, str(exc), headers={"Retry-After": "5"})
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    try:
        await response.prepare(request)
        await response.write(f"retry: {RETRY_MS}\n\n".encode() + event("hello", {"server_time": time.time()}))
        ended = [asyncio.ensure_future(console.stopping.wait()),
                 asyncio.ensure_future(client.dropped.wait())]
        nxt = None
        try:
            while not any(task.done() for task in ended):
                nxt = nxt or asyncio.ensure_future(client.queue.get())
                done, _ = await asyncio.wait({nxt, *ended}, timeout=KEEP_ALIVE_SECONDS,
                                             return_when=asyncio.FIRST_COMPLETED)
                if nxt in done:
                    data, nxt = nxt.result(), None
                elif done:
                    break
                else:
                    data = b": keep-alive\n\n"
                await asyncio.wait_for(response.write(data), WRITE_SECONDS)
        finally:
            for task in (*ended, nxt):
                if task is not None:
                    task.cancel()
    except (ConnectionResetError, asyncio.TimeoutError, RuntimeError):
        pass  # the page went away, or could not keep up
    finally:
        console.hub.leave(client)
    return response


async def recent(request: web.Request) -> web.Response:
    try:
        query = queries.RecentQuery.of(dict(request.query))
    except queries.BadQuery as exc:
        return error(400, str(exc))
    documents = await run_query(request, queries.recent, query, request.app[ARCHIVE].aliases)
    return web.json_response({"articles": [cards.card(d) for d in documents]}, dumps=_dumps)


async def dead_letters(request: web.Request) -> web.Response:
    return web.json_response(request.app[CONSOLE].feed.recent_letters(), dumps=_dumps)


async def trending(request: web.Request) -> web.Response:
    return web.json_response(request.app[CONSOLE].snapshots.trending, dumps=_dumps)


async def health(request: web.Request) -> web.Response:
    snapshots = request.app[CONSOLE].snapshots
    return web.json_response({**snapshots.health, "console": snapshots.console()}, dumps=_dumps)


async def replay(request: web.Request) -> web.Response:
    """Publish a dead letter's original bytes to the raw topic again: an operator action,
    refused unless NEWSFLOW_CONSOLE_TOKEN is set and given as a bearer token."""
    console = request.app[CONSOLE]
    token = console.settings.console_token
    if not token:
        return error(403, "the console is read-only (no NEWSFLOW_CONSOLE_TOKEN)")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").encode()
    if not hmac.compare_digest(given, token.encode()):
        return error(401, "a wrong or missing operator token")
    try:
        partition, offset = int(request.match_info["partition"]), int(request.match_info["offset"])
    except ValueError:
        return error(400, "partition and offset are whole numbers")
    try:
        replayed = await console.feed.replay(partition, offset)
    except LookupError as exc:
        return error(404, str(exc))
    except ValueError as exc:
        return error(409, str(exc))
    except Unavailable as exc:
        return error(503, str(exc))
    return web.json_response({"replayed": replayed}, status=202)


def _dumps(value) -> str:
    return orjson.dumps(value).decode()


async def _secured(request: web.Request, response: web.StreamResponse) -> None:
    """Before any answer's headers go out (pages, files, events, JSON alike)."""
    response.headers.update(SECURITY_HEADERS)


async def _start(app: web.Application) -> None:
    console = app[CONSOLE]
    console.tasks = [asyncio.create_task(console.feed.run(console.stopping)),
                     asyncio.create_task(console.snapshots.run(console.stopping))]


async def _stop(app: web.Application) -> None:
    """On shutdown: end the live streams (else the server waits for them) and the tasks."""
    console = app[CONSOLE]
    console.stopping.set()
    await asyncio.gather(*console.tasks, return_exceptions=True)


def install(app: web.Application, console: Console) -> None:
    """Add the console to the archive's ``app`` (before it starts)."""
    app[CONSOLE] = console
    app.on_response_prepare.append(_secured)
    app.on_startup.append(_start)
    app.on_shutdown.append(_stop)
    app.router.add_get("/", index)
    app.router.add_get("/console/events", events)
    app.router.add_get("/api/console/recent", recent)
    app.router.add_get("/api/console/deadletters", dead_letters)
    app.router.add_get("/api/console/trending", trending)
    app.router.add_get("/api/console/health", health)
    app.router.add_post("/api/console/deadletters/{partition}/{offset}/replay", replay)
    app.router.add_static("/console/", STATIC, append_version=False)
