"""Creating the topics defined in topics/ (idempotent: existing topics are left as they
are), and reading the message limits the cluster gives them."""

from __future__ import annotations

from aiokafka.admin import NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from newsflow.config import Settings
from newsflow.kafka.clients import MAX_REQUEST_BYTES, admin, started
from newsflow.topics import TOPICS
from newsflow.topics.registry import DEAD_LETTER, ENRICHED, ENTITIES, QUOTES


async def create_topics(settings: Settings) -> list[str]:
    """Create every missing topic; return the names that were created."""
    client = await started(admin(settings), settings)
    try:
        existing = set(await client.list_topics())
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
            await client.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await client.close()


async def topic_limits(settings: Settings) -> dict[str, int]:
    """The largest record batch each output topic takes, by role: its max.message.bytes on
    the cluster, or the producer's request limit if lower. Topics the cluster does not have
    yet are left out."""
    outputs = {topic.name(settings.topic_prefix): topic.role
               for topic in (ENRICHED, QUOTES, ENTITIES, DEAD_LETTER)}
    client = await started(admin(settings), settings)
    try:
        answers = await client.describe_configs([
            ConfigResource(ConfigResourceType.TOPIC, name, {"max.message.bytes": None})
            for name in outputs])
    finally:
        await client.close()
    limits = {}
    for answer in answers:
        for error_code, _, _, name, entries in answer.resources:
            for entry in entries if error_code == 0 else ():
                if entry[0] == "max.message.bytes":
                    limits[outputs[name]] = min(int(entry[1]), MAX_REQUEST_BYTES)
    return limits
