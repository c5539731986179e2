"""Reading newsflow topics: to their ends (the audit), or until a condition holds (the
demo, the tests, the benchmarks)."""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson

from aiokafka import TopicPartition

from newsflow.config import Settings
from newsflow.kafka.clients import admin, consumer, started
from newsflow.topics.registry import by_role


async def collect(
    settings: Settings,
    roles: list[str],
    done: Callable[[dict[str, list[dict]]], bool],
    timeout: float = 90.0,
) -> dict[str, list[dict]]:
    """Messages of the topics named by ``roles`` (from the beginning), with their record
    metadata under "_record", until ``done(found)`` or the timeout. Records that are no
    JSON object (bad input on the raw topic) come as {"_bytes": value}."""
    names = {by_role(role).name(settings.topic_prefix): role for role in roles}
    client = await started(consumer(settings, *names), settings)
    found: dict[str, list[dict]] = {role: [] for role in roles}
    deadline = time.monotonic() + timeout
    try:
        while not done(found) and time.monotonic() < deadline:
            batch = await client.getmany(timeout_ms=500)
            for tp, records in batch.items():
                for record in records:
                    message = _decoded(record.value)
                    message["_record"] = {"key": record.key, "partition": tp.partition,
                                          "offset": record.offset,
                                          "timestamp": record.timestamp / 1000}
                    found[names[tp.topic]].append(message)
    finally:
        await client.stop()
    return found


def _decoded(value: bytes) -> dict:
    """The message; the raw topic may also hold input that is no JSON object, kept as
    {"_bytes": value}."""
    try:
        message = orjson.loads(value)
    except orjson.JSONDecodeError:
        return {"_bytes": value}
    return message if isinstance(message, dict) else {"_bytes": value}


def all_out(ids: set[str]) -> Callable[[dict[str, list[dict]]], bool]:
    """A ``collect`` condition: every id is dead-lettered or enriched, with all its quote
    and entity messages among those collected (roles not collected are not waited for)."""

    def done(found: dict[str, list[dict]]) -> bool:
        finished = {m["article_id"] for m in found.get("deadletter", ())}
        per_article: dict[tuple[str, str], int] = {}
        for role in ("quotes", "entities"):
            for message in found.get(role, ()):
                key = (role, message["article_id"])
                per_article[key] = per_article.get(key, 0) + 1
        for article in found.get("enriched", ()):
            wanted = {"quotes": len(article["quotes"]),
                      "entities": len(article["canonical_entities"])}
            if all(per_article.get((role, article["id"]), 0) >= count
                   for role, count in wanted.items() if role in found):
                finished.add(article["id"])
        return ids <= finished

    return done


async def read_topic(settings: Settings, topic: str):
    """Every committed record of ``topic`` up to its end when called."""
    describer = await started(admin(settings), settings)
    try:
        (described,) = await describer.describe_topics([topic])
    finally:
        await describer.close()
    tps = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    client = await started(consumer(settings), settings)
    try:
        client.assign(tps)
        ends = await client.end_offsets(tps)
        await client.seek_to_beginning(*tps)
        pending = {tp for tp in tps if ends[tp] > 0}
        while pending:
            batch = await client.getmany(*pending, timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    if record.offset < ends[tp]:
                        yield record
            for tp in list(pending):
                if await client.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await client.stop()
