"""`newsflow topics create | list`: create every topic the registry (topics/) defines,
idempotently, or list them."""

from __future__ import annotations

import asyncio

from newsflow.cli import options
from newsflow.config import Settings

HELP = "manage the topics defined in topics/"


def add_arguments(parser) -> None:
    parser.add_argument("action", choices=["create", "list"], help="create every topic, or list them")
    parser.add_argument("--partitions", type=int, help="raw-topic partitions (NEWSFLOW_PARTITIONS)")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.kafka.admin import create_topics
    from newsflow.topics import TOPICS

    if args.action == "create":
        created = asyncio.run(create_topics(settings))
        for topic in TOPICS:
            name = topic.name(settings.topic_prefix)
            state = "created" if name in created else "exists"
            print(f"{name:40} {state:8} key: {topic.key}")
        return 0
    for topic in TOPICS:
        print(f"{topic.name(settings.topic_prefix):40} {topic.schema_id:20} key: {topic.key} — "
              f"{topic.description}")
    return 0
