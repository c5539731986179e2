"""`newsflow worker`: consumes raw articles in batches, enriches them in its enrichment
process and republishes the results in one transaction per batch; keeps the trending
tables; serves /metrics, /healthz, /readyz, /trending and /entities (docs/guarantees.md)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from newsflow.cli import options
from newsflow.config import Settings

HELP = "run the enrichment worker (transactional loop + faust app for trending)"


def add_arguments(parser) -> None:
    parser.add_argument("--roles", help="enrich, trending or both (NEWSFLOW_ROLES, default both)")
    parser.add_argument("--model", help="spaCy model package (NEWSFLOW_MODEL)")
    parser.add_argument("--web-port", type=int, help="HTTP port: /metrics, /healthz (NEWSFLOW_WEB_PORT)")
    options.max_bytes(parser, "size limit per message")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    """Check the connection and, for the enrich role, start the enrichment process with
    its model first (fail fast with one clear line), then run the faust worker until
    stopped."""
    import faust

    from newsflow import logs
    from newsflow.kafka.admin import cluster_replication
    from newsflow.kafka.clients import check
    from newsflow.worker.app import create_app
    from newsflow.worker.transactional import TransactionalProcessor

    roles = settings.worker_roles
    _port_is_free(settings)
    asyncio.run(check(settings))
    replicas = asyncio.run(cluster_replication(settings))
    processor = TransactionalProcessor(settings) if "enrich" in roles else None
    if processor is not None:
        asyncio.run(processor.start())
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    app, services = create_app(settings, processor, replicas.factor)
    worker = faust.Worker(
        app, *services, loglevel=settings.log_level.upper(), quiet=True,
        logging_config=logs.dict_config(settings.log_level, settings.log_format),
    )
    worker.execute_from_commandline()
    return 0


def _port_is_free(settings: Settings) -> None:
    """Unavailable if the web port is taken, before the worker joins its group: failing
    after joining would cost the live workers two rebalances."""
    from newsflow.errors import Unavailable

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server does
        try:
            probe.bind((settings.bind, settings.web_port))
        except OSError as exc:
            raise Unavailable(f"cannot listen on {settings.bind}:{settings.web_port} "
                              f"({exc.strerror}): set --web-port or NEWSFLOW_WEB_PORT") from None
