"""`newsflow replay --from 2025-07-01 --to 2025-07-31 [--partitions 0,2]`: enrich a range of
the raw topic again with the running rules and model. The articles are sent to the raw
topic again marked for this rules version; the workers publish them as new revisions
(`rules`, `model` say which), exactly once, dedupe on. Safe to interrupt and run again: an
article already replayed for this version produces nothing (ingest/replay.py)."""

from __future__ import annotations

import asyncio

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.errors import UsageError
from newsflow.logs import console

HELP = "re-enrich a range of the raw topic (by record time) as new revisions"


def add_arguments(parser) -> None:
    parser.add_argument("--from", dest="start", required=True, metavar="TIME",
                        help="ISO date or time the range starts (UTC unless it says)")
    parser.add_argument("--to", dest="end", required=True, metavar="TIME",
                        help="ISO date (that day included) or time the range ends before")
    parser.add_argument("--partitions", help="only these raw partitions, e.g. 0,2 (default all)")
    parser.add_argument("--rules", help="the version to replay for (default: this newsflow's "
                                        "rules version); a new one replays what was replayed")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.ingest.replay import range_seconds, replay
    from newsflow.worker.pipeline import RULES_VERSION

    try:
        start, end = range_seconds(args.start), range_seconds(args.end, end=True)
        partitions = ({int(p) for p in args.partitions.split(",") if p.strip()}
                      if args.partitions else None)
    except ValueError as exc:
        raise UsageError(f"--from/--to/--partitions: {exc}") from None
    if end <= start:
        raise UsageError("--to must be after --from")

    def progress(sent: int, read: int) -> None:
        console.info(f"replay: {read} records read, {sent} articles sent again")

    sent, read = asyncio.run(replay(settings, args.rules or RULES_VERSION, start, end,
                                    partitions, progress))
    console.info(f"replay: done, {read} records in the range, {sent} articles sent again "
                 f"for rules {args.rules or RULES_VERSION}")
    return 0
