"""`newsflow api`: the archive's search API alone (no sink), on NEWSFLOW_ARCHIVE_PORT:
to scale reading apart from writing. Same endpoints as `newsflow archive --serve`."""

from __future__ import annotations

import asyncio

from newsflow.config import Settings

HELP = "serve the archive's search API (/api/quotes, /api/entities, /api/articles)"


def add_arguments(parser) -> None:
    parser.add_argument("--archive-url", help="NEWSFLOW_ARCHIVE_URL (default: SQLite in the data dir)")
    parser.add_argument("--archive-port", type=int, help="HTTP port (NEWSFLOW_ARCHIVE_PORT)")


def run(settings: Settings, args) -> int:
    asyncio.run(_serve(settings))
    return 0


async def _serve(settings: Settings) -> None:
    from newsflow.archive import database
    from newsflow.cli.archive import serve_http

    engine = database.open_archive(settings)
    runner = await serve_http(settings, engine, api=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
