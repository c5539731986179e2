"""Creating the topics defined in topics/ (idempotent: existing topics are left as they are)."""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from newsflow.config import Settings
from newsflow.kafka.clients import client_options, start
from newsflow.topics import TOPICS


async def create_topics(settings: Settings) -> list[str]:
    """Create every missing topic; return the names that were created."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await start(admin, settings, "topics")
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=topic.name(settings.topic_prefix),
                num_partitions=topic.partitions or settings.partitions,
                replication_factor=settings.replication,
                topic_configs=topic.config,
            )
            for topic in TOPICS
            if topic.name(settings.topic_prefix) not in existing
        ]
        if wanted:
            await admin.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await admin.close()


def run(settings: Settings, action: str) -> int:
    if action == "create":
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
