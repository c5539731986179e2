"""`newsflow tail TOPIC`: print what arrives on a topic, for people or (--json) machines.
TOPIC is a role (raw, enriched, quotes, entities, deadletter, seen) or a full topic name;
one the cluster does not have is an error naming those it has: reading never creates a
topic."""

from __future__ import annotations

import asyncio
import sys

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.errors import UsageError

HELP = "print what arrives on a topic"


def add_arguments(parser) -> None:
    parser.add_argument("topic", help="raw, enriched, quotes, entities, deadletter, seen (or a full name)")
    parser.add_argument("--json", action="store_true", help="one JSON message per line")
    parser.add_argument("--from-beginning", action="store_true", help="start at the earliest offset")
    parser.add_argument("--max-messages", type=int, help="stop after N messages")
    parser.add_argument("--timeout", type=float, help="stop after N seconds without a message")
    options.connection(parser)


def topic_name(settings: Settings, name: str) -> str:
    """A role (raw, enriched, quotes, entities, deadletter, seen) or a full topic name."""
    from newsflow.topics.registry import TOPICS

    for topic in TOPICS:
        if name == topic.role:
            return topic.name(settings.topic_prefix)
    return name


async def tail(settings: Settings, args) -> int:
    import orjson

    from newsflow.cli.render import render
    from newsflow.kafka.clients import admin, consumer, started

    name = topic_name(settings, args.topic)
    lister = await started(admin(settings), settings)
    try:
        known = await lister.list_topics()
    finally:
        await lister.close()
    if name not in known:
        ours = sorted(t for t in known if t.startswith(settings.topic_prefix))
        raise UsageError(f"no topic {name!r} on the cluster; it has "
                         + (", ".join(ours) if ours else f"no {settings.topic_prefix}* topics "
                            "(newsflow topics create makes them)"))
    client = await started(consumer(settings, name, from_beginning=args.from_beginning), settings)
    seen = 0
    try:
        while args.max_messages is None or seen < args.max_messages:
            timeout_ms = int((args.timeout or 3600) * 1000)
            batch = await client.getmany(timeout_ms=timeout_ms)
            if not batch:
                if args.timeout:
                    break
                continue
            for record in (r for records in batch.values() for r in records):
                seen += 1
                if args.json:
                    sys.stdout.buffer.write(record.value + b"\n")
                else:
                    print(render(orjson.loads(record.value)))
                if args.max_messages is not None and seen >= args.max_messages:
                    break
            sys.stdout.flush()
    finally:
        await client.stop()
    return 0


def run(settings: Settings, args) -> int:
    return asyncio.run(tail(settings, args))
