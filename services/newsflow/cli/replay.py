"""`newsflow replay --from 2025-07-01 --to 2025-07-31 [--partitions 0,2]` (or
`--from-offset N --to-offset M`): enrich a range of the raw topic again with the running rules and model. The articles are sent to the raw
topic again marked for this rules version; the workers publish them as new revisions
(`rules`, `model` say which), exactly once, dedupe on. Safe to interrupt and run again: an
article already replayed for this version produces nothing (ingest/replay.py)."""

from __future__ import annotations

import asyncio

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.errors import UsageError
from newsflow.logs import console

HELP = "re-enrich a range of the raw topic (by record time or offsets) as new revisions"


def add_arguments(parser) -> None:
    parser.add_argument("--from", dest="start", metavar="TIME",
                        help="ISO date or time the range starts (UTC unless it says)")
    parser.add_argument("--to", dest="end", metavar="TIME",
                        help="ISO date (that day included) or time the range ends before")
    parser.add_argument("--from-offset", type=int, metavar="N",
                        help="instead of times: the first offset, in every chosen partition")
    parser.add_argument("--to-offset", type=int, metavar="M",
                        help="the offset the range ends before (default: the partition's end)")
    parser.add_argument("--partitions", help="only these raw partitions, e.g. 0,2 (default all)")
    parser.add_argument("--rules", help="the version to replay for (default: this newsflow's "
                                        "rules version); a new one replays what was replayed")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.ingest.replay import replay
    from newsflow.worker.pipeline import RULES_VERSION

    span = _span(args)
    try:
        partitions = ({int(p) for p in args.partitions.split(",") if p.strip()}
                      if args.partitions else None)
    except ValueError as exc:
        raise UsageError(f"--partitions: {exc}") from None

    def progress(sent: int, read: int) -> None:
        console.info(f"replay: {read} records read, {sent} articles sent again")

    sent, read = asyncio.run(replay(settings, args.rules or RULES_VERSION, span,
                                    partitions, progress))
    console.info(f"replay: done, {read} records in the range, {sent} articles sent again "
                 f"for rules {args.rules or RULES_VERSION}")
    return 0


def _span(args):
    """The range asked for: by times (--from, --to) or by offsets (--from-offset, --to-offset)."""
    from newsflow.ingest.replay import OffsetSpan, TimeSpan, range_seconds

    by_offsets = args.from_offset is not None or args.to_offset is not None
    if by_offsets == (args.start is not None or args.end is not None):
        raise UsageError("give --from and --to (times) or --from-offset [--to-offset] (offsets)")
    if by_offsets:
        first = args.from_offset or 0
        stop = args.to_offset if args.to_offset is not None else 2 ** 63 - 1
        if first < 0 or stop <= first:
            raise UsageError("--to-offset must be after --from-offset (both at least 0)")
        return OffsetSpan(first, stop)
    if args.start is None or args.end is None:
        raise UsageError("--from and --to go together")
    try:
        start, end = range_seconds(args.start), range_seconds(args.end, end=True)
    except ValueError as exc:
        raise UsageError(f"--from/--to: {exc}") from None
    if end <= start:
        raise UsageError("--to must be after --from")
    return TimeSpan(start, end)
