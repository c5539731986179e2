"""Flags several commands share."""

from __future__ import annotations

import argparse


def connection(parser: argparse.ArgumentParser) -> None:
    """Where the cluster is and how the command logs."""
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (NEWSFLOW_BOOTSTRAP)")
    parser.add_argument("--topic-prefix", help="prefix of every topic name (NEWSFLOW_TOPIC_PREFIX)")
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING... (NEWSFLOW_LOG_LEVEL)")
    parser.add_argument("--log-format", choices=["text", "json"], help="NEWSFLOW_LOG_FORMAT")


def max_bytes(parser: argparse.ArgumentParser, what: str = "size limit per article") -> None:
    parser.add_argument("--max-bytes", type=int, help=f"{what} (NEWSFLOW_MAX_BYTES)")
