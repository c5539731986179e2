"""`newsflow audit`: did every article that entered come out exactly once? Reads the raw,
enriched and dead-letter topics to their ends as read_committed readers see them and
reconciles them (kafka/audit.py); exit status 1 if anything is missing or doubled."""

from __future__ import annotations

import asyncio

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.errors import Failed

HELP = "check every raw article came out exactly once (exit 1 if not)"


def add_arguments(parser) -> None:
    options.max_bytes(parser, "size limit the worker applies")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.kafka.audit import audit, render

    report = asyncio.run(audit(settings))
    print(render(report))
    if not report.ok:
        raise Failed("FAILED (missing or duplicated output)")
    return 0
