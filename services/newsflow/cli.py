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

    p = sub.add_parser("ingest", help="publish articles (seed .txt, .json, .jsonl, - for stdin)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--max-bytes", type=int, help="size limit per article (NEWSFLOW_MAX_BYTES)")
    _common(p)

    p = sub.add_parser("worker", help="run the enrichment worker (faust app)")
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

    p = sub.add_parser("demo", help="broker, topics, worker, ingest seeds/, show the result")
    p.add_argument("--seeds", default="seeds", help="folder of articles to ingest (default seeds/)")
    p.add_argument("--timeout", type=float, default=180.0, help="give up after N seconds")
    _common(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    flags = {k: v for k, v in vars(args).items() if k in Settings.__slots__}
    settings = Settings.from_env().override(**flags)
    logging.config.dictConfig(logs.dict_config(settings.log_level, settings.log_format))
    command = args.command
    if command == "enrich":
        from newsflow import offline

        return offline.run(settings, args.paths)
    if command == "broker":
        from newsflow.kafka import broker

        return broker.run_forever(settings, args.port, args.data_dir, fetch_only=args.fetch)
    if command == "topics":
        from newsflow.kafka import admin

        return admin.run(settings, args.action)
    if command == "ingest":
        from newsflow import ingest

        return ingest.run(settings, args.paths)
    if command == "worker":
        from newsflow.worker import app

        return app.run(settings)
    if command == "tail":
        from newsflow import tail

        return tail.run(settings, args)
    if command == "demo":
        from newsflow import demo

        return demo.run(settings, seeds=args.seeds, timeout=args.timeout)
    raise AssertionError(command)


if __name__ == "__main__":
    sys.exit(main())
