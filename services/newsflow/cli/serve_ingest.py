"""`newsflow serve-ingest`: HTTP `POST /articles` (one JSON article or JSONL) to the raw
topic: 202 with the ids once the broker has them, 4xx with the reason, 429 under
backpressure, 503 while the broker is away (docs/ingestion.md, docs/security.md)."""

from __future__ import annotations

import asyncio
import signal

from newsflow.cli import options
from newsflow.config import Settings

HELP = "HTTP endpoint: POST /articles to the raw topic"


def add_arguments(parser) -> None:
    parser.add_argument("--port", type=int, default=6067, help="HTTP port (default 6067)")
    options.max_bytes(parser)
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.ingest.http.server import Door

    asyncio.run(_serve_until_stopped(settings, args.port, Door.from_settings(settings)))
    return 0


async def _serve_until_stopped(settings: Settings, port: int, door) -> None:
    from newsflow.ingest.http.server import serve

    serving = await serve(settings, port, door)
    scheme = "https" if door.tls else "http"
    print(f"newsflow serve-ingest: {scheme}://{settings.bind}:{serving.port}"
          f"{'' if door.tokens.configured else ' (no token required)'}", flush=True)
    loop, stopping = asyncio.get_running_loop(), asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    loop.add_signal_handler(signal.SIGHUP, door.tokens.reload)
    try:
        await stopping.wait()
    finally:
        await serving.stop()
