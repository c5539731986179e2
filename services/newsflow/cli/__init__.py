"""The `newsflow` command: one entry point, a subcommand per shell over the core."""

from __future__ import annotations

import argparse
import logging.config
import sys

from newsflow import logs
from newsflow.config import Settings


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (NEWSFLOW_BOOTSTRAP)")
    parser.add_argument("--topic-prefix", help="prefix of every topic name (NEWSFLOW_TOPIC_PREFIX)")
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING... (NEWSFLOW_LOG_LEVEL)")
    parser.add_argument("--log-format", choices=["text", "json"], help="NEWSFLOW_LOG_FORMAT")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("broker", help="run a local single-node Kafka (KRaft) until interrupted")
    p.add_argument("--port", type=int, default=9092, help="client port (default 9092)")
    p.add_argument("--data-dir", help="storage folder (default: NEWSFLOW_DATA_DIR/kafka)")
    p.add_argument("--fetch", action="store_true", help="only fetch the jars with Maven, then exit")

    p = sub.add_parser("topics", help="manage the topics defined in topics/")
    p.add_argument("action", choices=["create", "list"], help="create every topic, or list them")
    p.add_argument("--partitions", type=int, help="raw-topic partitions (NEWSFLOW_PARTITIONS)")
    _common(p)

    p = sub.add_parser("ingest", help="publish articles (seed .txt, .json, .jsonl, - for stdin, "
                                      "or RSS/Atom feeds with --feed)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - for stdin")
    p.add_argument("--feed", action="append", default=[], metavar="URL",
                   help="poll this RSS/Atom feed (repeatable); see docs/ingestion.md")
    p.add_argument("--interval", default="60s", help="time between feed polls (default 60s)")
    p.add_argument("--once", action="store_true", help="poll the feeds once, then exit")
    p.add_argument("--dry-run", action="store_true", help="print the JSONL instead of publishing")
    p.add_argument("--max-bytes", type=int, help="size limit per article (NEWSFLOW_MAX_BYTES)")
    p.add_argument("--data-dir", help="where seen feed items are kept (NEWSFLOW_DATA_DIR)")
    _common(p)

    p = sub.add_parser("serve-ingest", help="HTTP endpoint: POST /articles to the raw topic")
    p.add_argument("--port", type=int, default=6067, help="HTTP port (default 6067)")
    p.add_argument("--max-bytes", type=int, help="size limit per article (NEWSFLOW_MAX_BYTES)")
    _common(p)

    p = sub.add_parser("worker", help="run the enrichment worker (transactional loop + faust app for trending)")
    p.add_argument("--roles", help="enrich, trending or both (NEWSFLOW_ROLES, default both)")
    p.add_argument("--model", help="spaCy model package (NEWSFLOW_MODEL)")
    p.add_argument("--web-port", type=int, help="HTTP port: /metrics, /healthz (NEWSFLOW_WEB_PORT)")
    p.add_argument("--max-bytes", type=int, help="size limit per message (NEWSFLOW_MAX_BYTES)")
    _common(p)

    p = sub.add_parser("enrich", help="enrich offline: articles in, enriched JSONL on stdout")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; none: JSONL on stdin")
    p.add_argument("--model", help="spaCy model package (NEWSFLOW_MODEL)")
    p.add_argument("--max-bytes", type=int, help="size limit per article (NEWSFLOW_MAX_BYTES)")

    p = sub.add_parser("tail", help="print what arrives on a topic")
    p.add_argument("topic", help="raw, enriched, quotes, entities, deadletter (or a full name)")
    p.add_argument("--json", action="store_true", help="one JSON message per line")
    p.add_argument("--from-beginning", action="store_true", help="start at the earliest offset")
    p.add_argument("--max-messages", type=int, help="stop after N messages")
    p.add_argument("--timeout", type=float, help="stop after N seconds without a message")
    _common(p)

    p = sub.add_parser("audit", help="check every raw article came out exactly once (exit 1 if not)")
    p.add_argument("--max-bytes", type=int, help="size limit the worker applies (NEWSFLOW_MAX_BYTES)")
    _common(p)

    p = sub.add_parser("trending", help="the entities trending now, from a running worker")
    p.add_argument("--window", default="1h", help="a configured window (default 1h)")
    p.add_argument("--label", help="only this entity label, e.g. PERSON")
    p.add_argument("--limit", type=int, default=20, help="rows (default 20)")
    p.add_argument("--url", help="worker URL (default http://NEWSFLOW_BIND:NEWSFLOW_WEB_PORT)")
    p.add_argument("--json", action="store_true", help="print the JSON answer")

    p = sub.add_parser("demo", help="broker, topics, worker, ingest seeds/, show the result")
    p.add_argument("--seeds", default="seeds", help="folder of articles to ingest (default seeds/)")
    p.add_argument("--timeout", type=float, default=180.0, help="give up after N seconds")
    _common(p)

    p = sub.add_parser("bench", help="throughput, latency and memory: core, 1 and 2 workers, naive")
    p.add_argument("--quick", action="store_true", help="a smaller run (under 3 minutes)")
    p.add_argument("--corpus", help="folder of .txt articles (default: PolNeAR train texts)")
    p.add_argument("--articles", type=int, help="articles per phase (default 320, quick 64)")
    p.add_argument("--paced-seconds", type=float, help="length of the latency run (90, quick 20)")
    p.add_argument("--partitions", type=int, help="raw-topic partitions (NEWSFLOW_PARTITIONS)")
    _common(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    flags = {k: v for k, v in vars(args).items() if k in Settings.__slots__}
    settings = Settings.from_env().override(**flags)
    logging.config.dictConfig(logs.dict_config(settings.log_level, settings.log_format))
    command = args.command
    if command == "enrich":
        from newsflow.cli import enrich as offline

        return offline.run(settings, args.paths)
    if command == "broker":
        from newsflow.kafka import broker

        return broker.run_forever(settings, args.port, args.data_dir, fetch_only=args.fetch)
    if command == "topics":
        from newsflow.kafka import admin

        return admin.run(settings, args.action)
    if command == "ingest":
        from newsflow.ingest import publish as ingest

        if args.feed:
            if args.paths:
                raise SystemExit("newsflow ingest: give PATHs or --feed, not both")
            return ingest.run_feeds(settings, args.feed, args.interval, args.once, args.dry_run)
        return ingest.run(settings, args.paths or ["-"], args.dry_run)
    if command == "serve-ingest":
        from newsflow.ingest.http import server as http_ingest

        return http_ingest.run(settings, args.port)
    if command == "worker":
        from newsflow.worker import app

        return app.run(settings)
    if command == "tail":
        from newsflow.cli import tail

        return tail.run(settings, args)
    if command == "audit":
        from newsflow.cli import audit

        return audit.run(settings)
    if command == "trending":
        from newsflow.cli import trending as show_trending

        return show_trending.run(settings, args.url, args.window, args.label, args.limit, args.json)
    if command == "demo":
        from newsflow.cli import demo

        return demo.run(settings, seeds=args.seeds, timeout=args.timeout)
    if command == "bench":
        from newsflow.bench import suite as bench

        return bench.run(settings, args.quick, args.corpus, args.articles, args.paced_seconds)
    raise AssertionError(command)


if __name__ == "__main__":
    sys.exit(main())
