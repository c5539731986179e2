"""Reading the downstream topics in tests: collect messages until a condition holds."""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson

from newsflow.config import Settings
from newsflow.tail import consumer
from newsflow.topics.registry import by_role


async def collect(
    settings: Settings,
    roles: list[str],
    done: Callable[[dict[str, list[dict]]], bool],
    timeout: float = 90.0,
) -> dict[str, list[dict]]:
    """Messages of the topics named by ``roles`` (from the beginning), with their record
    metadata under "_record", until ``done(found)`` or the timeout."""
    names = {by_role(role).name(settings.topic_prefix): role for role in roles}
    client = consumer(settings, *names)
    found: dict[str, list[dict]] = {role: [] for role in roles}
    await client.start()
    deadline = time.monotonic() + timeout
    try:
        while not done(found) and time.monotonic() < deadline:
            batch = await client.getmany(timeout_ms=500)
            for tp, records in batch.items():
                for record in records:
                    message = orjson.loads(record.value)
                    message["_record"] = {"key": record.key, "partition": tp.partition,
                                          "offset": record.offset,
                                          "timestamp": record.timestamp / 1000}
                    found[names[tp.topic]].append(message)
    finally:
        await client.stop()
    return found
