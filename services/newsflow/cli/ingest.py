"""`newsflow ingest PATH... | - | --feed URL`: the producer. Articles from files, stdin or
RSS/Atom feeds to the raw topic (or, with --dry-run, to stdout as JSONL).

Inputs that don't parse are reported on stderr (file and reason) and dead-lettered with
their original bytes; the rest are still published; blank JSONL lines are counted and
reported. Every line printed on stdout is one article id (derived, hex) or, with
--dry-run, one JSON message: nothing sent can break a line. Exit status 1 if any input
was rejected.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from newsflow.cli import options
from newsflow.config import Settings, parse_duration
from newsflow.errors import UsageError
from newsflow.logs import console

HELP = "publish articles (seed .txt, .json, .jsonl, - for stdin, or RSS/Atom feeds with --feed)"


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - for stdin")
    parser.add_argument("--feed", action="append", default=[], metavar="URL",
                        help="poll this RSS/Atom feed (repeatable); see docs/ingestion.md")
    parser.add_argument("--interval", default="60s", help="time between feed polls (default 60s)")
    parser.add_argument("--once", action="store_true", help="poll the feeds once, then exit")
    parser.add_argument("--dry-run", action="store_true", help="print the JSONL instead of publishing")
    options.max_bytes(parser)
    parser.add_argument("--data-dir", help="where seen feed items are kept (NEWSFLOW_DATA_DIR)")
    parser.add_argument("--ingest-metrics-port", type=int,
                        help="serve /metrics here (NEWSFLOW_INGEST_METRICS_PORT, default 6068: "
                             "while polling feeds; files and stdin only when given; 0: never)")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.ingest import exporter

    if args.feed:
        if args.paths:
            raise UsageError("give PATHs or --feed, not both")
        try:
            interval = parse_duration(args.interval)
        except ValueError as exc:
            raise UsageError(f"--interval: {exc}") from None
        if exporter.wanted(settings, long_running=not args.once):
            exporter.serve(settings)
        return _run_feeds(settings, args.feed, interval, args.once, args.dry_run)
    missing = [path for path in args.paths if path != "-" and not Path(path).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if exporter.wanted(settings, long_running=False):
        exporter.serve(settings)
    return _run_files(settings, args.paths or ["-"], args.dry_run)


class _BlankLines:
    """How many blank lines were skipped, and where the first was (for the summary)."""

    def __init__(self) -> None:
        self.count, self.first = 0, ""

    def __call__(self, where: str) -> None:
        self.count += 1
        self.first = self.first or where

    def __str__(self) -> str:
        return f"skipped {self.count} blank line(s)" + (f" (first: {self.first})" if self.count else "")


def _run_files(settings: Settings, paths: list[str], dry_run: bool) -> int:
    from newsflow.ingest.publish import publish
    from newsflow.topics.registry import RAW

    blank = _BlankLines()
    published, rejected = asyncio.run(publish(settings, paths, dry_run, _print_ids, blank, report))
    console.info(
        f"newsflow ingest: {'would publish' if dry_run else 'published'} {published} "
        f"article(s) to {RAW.name(settings.topic_prefix)}, rejected {rejected}, {blank}",
    )
    return 1 if rejected else 0


def report(item) -> None:
    """One line on stderr for a rejected input (ingest.files.Rejected)."""
    console.warning(f"newsflow ingest: {item.origin}: {item.error}")


def _print_ids(article_ids: list[str]) -> None:
    for article_id in article_ids:
        print(article_id, flush=True)


async def _follow(settings: Settings, feeds: list[str], interval: float, once: bool,
                  dry_run: bool) -> int:
    from newsflow.ingest.feeds.follow import feed_polls

    total = 0
    async with contextlib.aclosing(feed_polls(settings, feeds, interval, dry_run)) as polls:
        async for published in polls:
            total += len(published)
            _print_ids([] if dry_run else published)
            if once:
                break
    return total


def _run_feeds(settings: Settings, feeds: list[str], interval: float, once: bool,
               dry_run: bool) -> int:
    from newsflow.topics.registry import RAW

    total = asyncio.run(_follow(settings, feeds, interval, once, dry_run))
    console.info(f"newsflow ingest: {'would publish' if dry_run else 'published'} {total} "
          f"feed article(s) to {RAW.name(settings.topic_prefix)}")
    return 0
