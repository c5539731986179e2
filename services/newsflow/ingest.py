"""`newsflow ingest`: the producer. Articles from files or stdin to the raw topic.

Inputs that don't parse are reported on stderr (file and reason) and dead-lettered with
their original bytes; the rest are still published. Idempotent producer, acks=all.
"""

from __future__ import annotations

import asyncio
import sys
import time

from aiokafka import AIOKafkaProducer

from newsflow import metrics
from newsflow.config import Settings
from newsflow.kafka.clients import MAX_REQUEST_BYTES, client_options, start
from newsflow.sources import Rejected, read_articles
from newsflow.topics import messages
from newsflow.topics.registry import DEAD_LETTER, RAW


def producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        **client_options(settings),
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_request_size=MAX_REQUEST_BYTES,
    )


async def publish(settings: Settings, paths: list[str]) -> tuple[list[str], int]:
    """Publish every article; return (published ids, number rejected)."""
    raw_topic = RAW.name(settings.topic_prefix)
    dead_topic = DEAD_LETTER.name(settings.topic_prefix)
    published: list[str] = []
    rejected = 0
    client = producer(settings)
    await start(client, settings, "ingest")
    try:
        pending = []
        for item in read_articles(paths, settings.max_bytes):
            if isinstance(item, Rejected):
                rejected += 1
                metrics.INGESTED.labels("rejected").inc()
                metrics.DEAD_LETTERS.labels(item.error.reason, "ingest").inc()
                print(f"newsflow ingest: {item.origin}: {item.error}", file=sys.stderr)
                letter = messages.dead_letter(
                    reason=item.error.reason, detail=item.error.detail, payload=item.payload,
                    stage="ingest", source={"origin": item.origin},
                )
                pending.append(await client.send(dead_topic, messages.encode(letter)))
                continue
            value = messages.encode(messages.raw_article(item, time.time()))
            pending.append(await client.send(raw_topic, value, key=item.id.encode()))
            published.append(item.id)
            metrics.INGESTED.labels("published").inc()
        await asyncio.gather(*pending)
    finally:
        await client.stop()
    return published, rejected


def run(settings: Settings, paths: list[str]) -> int:
    published, rejected = asyncio.run(publish(settings, paths))
    for article_id in published:
        print(article_id)
    print(
        f"newsflow ingest: published {len(published)} article(s) to "
        f"{RAW.name(settings.topic_prefix)}, rejected {rejected}",
        file=sys.stderr,
    )
    return 1 if rejected else 0
