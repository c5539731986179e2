"""`newsflow archive`: the sink writing the enriched, quote and entity topics into the
archive database exactly once (README, "The archive"); /metrics and /healthz on
NEWSFLOW_ARCHIVE_PORT, and with --serve the search API and the web console there too. --purge deletes what
NEWSFLOW_ARCHIVE_RETENTION no longer keeps, once, and exits."""

from __future__ import annotations

import asyncio
import json
import signal

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.errors import ConfigError, Unavailable

HELP = "archive the enriched, quote and entity topics into a database; --serve the search API"


def add_arguments(parser) -> None:
    parser.add_argument("--serve", action="store_true",
                        help="also serve the search API (/api/...) and the web console (/)")
    parser.add_argument("--purge", action="store_true",
                        help="delete rows older than NEWSFLOW_ARCHIVE_RETENTION, then exit")
    parser.add_argument("--archive-url", help="NEWSFLOW_ARCHIVE_URL (default: SQLite in the data dir)")
    parser.add_argument("--archive-port", type=int, help="HTTP port (NEWSFLOW_ARCHIVE_PORT)")
    parser.add_argument("--archive-retention", help="e.g. 90d (NEWSFLOW_ARCHIVE_RETENTION)")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.archive import database, retention

    if args.purge:
        if not settings.archive_retention:
            raise ConfigError("--purge needs NEWSFLOW_ARCHIVE_RETENTION (e.g. 90d)")
        deleted = retention.purge(database.open_archive(settings), retention.kept_seconds(settings))
        print(json.dumps({"deleted": deleted}))
        return 0
    if settings.archive_retention:
        retention.kept_seconds(settings)  # a bad value fails now, not in an hour
    asyncio.run(_sink(settings, serve_api=args.serve))
    return 0


async def serve_http(settings: Settings, engine, api: bool):
    from newsflow.archive import api as http
    from newsflow.core.entities import aliases

    app = http.make_app(http.Archive(engine, aliases.load(settings.aliases or None)), api=api)
    if api:  # the web console comes with the search API (docs/console.md)
        from newsflow.console.routes import Console, install

        install(app, Console.of(settings))
    try:
        return await http.serve(app, settings.bind, settings.archive_port)
    except OSError as exc:
        raise Unavailable(f"cannot listen on {settings.bind}:{settings.archive_port} ({exc.strerror}):"
                          f" set NEWSFLOW_ARCHIVE_PORT") from None


async def _sink(settings: Settings, serve_api: bool) -> None:
    from newsflow.archive import database
    from newsflow.archive.sink import Sink

    engine = database.open_archive(settings)
    runner = await serve_http(settings, engine, api=serve_api)
    sink = Sink(settings, engine)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, sink.stopping.set)
    try:
        await sink.run()
    finally:
        await runner.cleanup()
        engine.dispose()
