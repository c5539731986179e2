"""`newsflow tail TOPIC`: print what arrives on a topic, for people or (--json) machines."""

from __future__ import annotations

import asyncio
import sys

import orjson
from aiokafka import AIOKafkaConsumer

from newsflow.config import Settings
from newsflow.kafka.clients import MAX_REQUEST_BYTES, client_options, start
from newsflow.cli.render import render
from newsflow.topics.registry import TOPICS


def topic_name(settings: Settings, name: str) -> str:
    """A role (raw, enriched, quotes, entities, deadletter) or a full topic name."""
    for topic in TOPICS:
        if name == topic.role:
            return topic.name(settings.topic_prefix)
    return name


def consumer(settings: Settings, *topics: str, from_beginning: bool = True) -> AIOKafkaConsumer:
    """A group-less, read_committed consumer: reading never moves anyone's offsets."""
    return AIOKafkaConsumer(
        *topics,
        **client_options(settings),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        isolation_level="read_committed",
        max_partition_fetch_bytes=MAX_REQUEST_BYTES,
        fetch_max_bytes=MAX_REQUEST_BYTES * 2,
    )


async def tail(settings: Settings, args) -> int:
    client = consumer(settings, topic_name(settings, args.topic), from_beginning=args.from_beginning)
    await start(client, settings, "tail")
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
    try:
        return asyncio.run(tail(settings, args))
    except KeyboardInterrupt:
        return 0
