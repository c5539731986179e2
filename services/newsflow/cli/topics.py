"""`newsflow topics create | list`: create every topic the registry (topics/) defines,
idempotently, or list them as the cluster has them (partitions, replication factor,
their configs) against what the registry expects, warning on each difference."""

from __future__ import annotations

import asyncio
import json

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.logs import console

HELP = "create the topics defined in topics/, or list them as the cluster has them"


def add_arguments(parser) -> None:
    parser.add_argument("action", choices=["create", "list"], help="create every topic, or list them")
    parser.add_argument("--partitions", type=int, help="raw-topic partitions (NEWSFLOW_PARTITIONS)")
    parser.add_argument("--json", action="store_true", help="list: one JSON document")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    from newsflow.kafka.admin import create_topics, describe

    created = asyncio.run(create_topics(settings)) if args.action == "create" else []
    states = asyncio.run(describe(settings))
    if args.json:
        print(json.dumps([state.to_dict() for state in states]))
    for state in states:
        found = state.found or {}
        if not args.json:
            status = "created" if state.name in created else "exists" if state.found else "missing"
            print(f"{state.name:40} {status:8} {found.get('partitions', '-'):>3} partitions "
                  f"x{found.get('replication', '-')} in sync {found.get('in_sync', '-')}  "
                  f"{state.topic.schema_id:20} key: {state.topic.key}")
        for problem in state.problems if state.found else ():
            console.warning(f"newsflow topics: warning: {state.name}: {problem}")
    return 0
