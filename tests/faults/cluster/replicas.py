"""Where a cluster's partitions live: who leads them, and waiting until every replica is
back in sync (a rolling restart takes the next broker down only then)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from aiokafka.errors import KafkaError

from newsflow.config import Settings
from newsflow.errors import Unavailable
from newsflow.kafka.clients import admin, started


async def _describe(settings: Settings, topics: list[str] | None = None) -> tuple[int, list[dict]]:
    """(live brokers, the partitions of ``topics``, default all, as describe_topics gives them)."""
    client = await started(admin(settings), settings)
    try:
        brokers = len((await client.describe_cluster())["brokers"])
        described = await client.describe_topics(topics or await client.list_topics())
        return brokers, [p for topic in described for p in topic["partitions"]]
    finally:
        await client.close()


def leaders(settings: Settings, topic: str) -> Counter[int]:
    """How many partitions of ``topic`` each broker (node id) leads."""
    return Counter(p["leader"] for p in asyncio.run(_describe(settings, [topic]))[1])


def in_sync(settings: Settings, brokers: int) -> bool:
    """Whether ``brokers`` brokers are live and every partition has a leader and all its
    replicas in sync."""
    try:
        live, partitions = asyncio.run(_describe(settings))
    except (KafkaError, Unavailable, OSError):
        return False
    return live == brokers and all(p["leader"] >= 0 and set(p["isr"]) == set(p["replicas"])
                                   for p in partitions)


def wait_in_sync(settings: Settings, brokers: int, timeout: float = 120.0) -> float:
    """Until ``in_sync``; the seconds it took."""
    began = time.monotonic()
    while not in_sync(settings, brokers):
        if time.monotonic() - began > timeout:
            raise TimeoutError(f"replicas not in sync after {timeout:.0f}s")
        time.sleep(0.5)
    return time.monotonic() - began
