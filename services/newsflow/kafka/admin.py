"""The topics defined in topics/ on the cluster: creating them (idempotent: existing
topics are left as they are), comparing what the cluster has with what the registry
expects, and reading the message limits the cluster gives them."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiokafka.admin import NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from newsflow.config import Settings
from newsflow.kafka.clients import MAX_REQUEST_BYTES, admin, started
from newsflow.topics import TOPICS
from newsflow.topics.registry import DEAD_LETTER, ENRICHED, ENTITIES, QUOTES, Topic


@dataclass
class TopicState:
    """One registry topic as the cluster has it, beside what the registry expects."""

    topic: Topic
    name: str
    expected: dict
    found: dict | None = None  # None: the cluster does not have it
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"role": self.topic.role, "name": self.name, "exists": self.found is not None,
                "expected": self.expected, "found": self.found, "problems": self.problems}


def expected(topic: Topic, settings: Settings) -> dict:
    """What a topic should look like: partitions, replication factor, its configs."""
    return {"partitions": topic.partitions or settings.partitions,
            "replication": settings.replication, "config": dict(topic.config)}


async def create_topics(settings: Settings) -> list[str]:
    """Create every missing topic; return the names that were created."""
    client = await started(admin(settings), settings)
    try:
        existing = set(await client.list_topics())
        wanted = [
            NewTopic(
                name=topic.name(settings.topic_prefix),
                num_partitions=expected(topic, settings)["partitions"],
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


async def describe(settings: Settings) -> list[TopicState]:
    """Every registry topic as the cluster has it (partitions, replication factor, the
    configs the registry sets), with what differs from the registry."""
    client = await started(admin(settings), settings)
    try:
        states = [TopicState(t, t.name(settings.topic_prefix), expected(t, settings)) for t in TOPICS]
        present = set(await client.list_topics())
        there = [state for state in states if state.name in present]
        if there:
            described = {d["topic"]: d for d in await client.describe_topics([s.name for s in there])}
            configs = await _configs(client, [s.name for s in there],
                                     sorted({k for s in there for k in s.expected["config"]}))
            for state in there:
                partitions = described[state.name]["partitions"]
                state.found = {"partitions": len(partitions),
                               "replication": min((len(p["replicas"]) for p in partitions), default=0),
                               "config": configs.get(state.name, {})}
    finally:
        await client.close()
    for state in states:
        state.problems = _differences(state)
    return states


def _differences(state: TopicState) -> list[str]:
    if state.found is None:
        return ["missing: `newsflow topics create` makes it"]
    want, have = state.expected, state.found
    problems = [f"{what} {have[what]}, the registry expects {want[what]}"
                for what in ("partitions", "replication") if have[what] != want[what]]
    problems += [f"{key}={have['config'].get(key)!r}, the registry expects {value!r}"
                 for key, value in want["config"].items() if have["config"].get(key) != value]
    return problems


async def _configs(client, names: list[str], keys: list[str]) -> dict[str, dict[str, str]]:
    """The values of config ``keys`` of each topic."""
    if not keys:
        return {}
    answers = await client.describe_configs([
        ConfigResource(ConfigResourceType.TOPIC, name, dict.fromkeys(keys)) for name in names])
    return {name: {entry[0]: entry[1] for entry in entries}
            for answer in answers for error_code, _, _, name, entries in answer.resources
            if error_code == 0}


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
