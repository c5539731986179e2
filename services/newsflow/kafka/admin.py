"""The topics defined in topics/ on the cluster: creating them (idempotent: existing
topics are left as they are) replicated as the cluster allows, comparing what the cluster
has with what the registry expects, and reading the message limits the cluster gives them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiokafka.admin import NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from newsflow.config import Settings
from newsflow.errors import ConfigError
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


AUTO = "auto"
MOST_REPLICAS = 3  # what "auto" replicates to: one replica may fail while another is away
CREATED_SECONDS = 30.0  # longest wait for new topics to be known across the cluster


@dataclass(frozen=True, slots=True)
class Replication:
    """How created topics are replicated: ``factor`` copies of each partition, writes
    (acks=all) accepted while ``min_insync`` of them are in sync."""

    factor: int
    min_insync: int


def replication(settings: Settings, brokers: int) -> Replication:
    """NEWSFLOW_REPLICATION and NEWSFLOW_MIN_INSYNC_REPLICAS on a cluster of ``brokers``;
    "auto" is min(3, brokers) copies and one fewer in sync (at most 2, at least 1), so that
    acks=all writes go on with one broker down and nothing acknowledged lives on one
    broker only. ConfigError for a number the cluster cannot have."""
    factor = _count("NEWSFLOW_REPLICATION", settings.replication, min(MOST_REPLICAS, brokers))
    if factor > brokers:
        raise ConfigError(f"NEWSFLOW_REPLICATION={factor}, but the cluster at "
                          f"{settings.bootstrap} has {brokers} broker(s): at most {brokers}")
    min_insync = _count("NEWSFLOW_MIN_INSYNC_REPLICAS", settings.min_insync_replicas,
                        max(1, min(2, factor - 1)))
    if min_insync > factor:
        raise ConfigError(f"NEWSFLOW_MIN_INSYNC_REPLICAS={min_insync} exceeds the replication "
                          f"factor {factor}: no write could ever be acknowledged")
    return Replication(factor, min_insync)


def _count(variable: str, value: str, auto: int) -> int:
    text = str(value).strip().lower()
    if text == AUTO:
        return auto
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{variable}={value!r}: \"auto\" or a number of brokers, 1 or more")
    return int(text)


async def cluster_replication(settings: Settings, client=None) -> Replication:
    """``replication`` for the cluster's live brokers (asked with ``client``, else with an
    admin client of its own): create topics with every broker up, or "auto" counts fewer."""
    own = client is None
    client = await started(admin(settings), settings) if own else client
    try:
        brokers = len((await client.describe_cluster())["brokers"])
    finally:
        if own:
            await client.close()
    return replication(settings, brokers)


def expected(topic: Topic, settings: Settings, replicas: Replication) -> dict:
    """What a topic should look like: partitions, replication factor, its configs."""
    return {"partitions": topic.partitions or settings.partitions, "replication": replicas.factor,
            "config": {**topic.config, "min.insync.replicas": str(replicas.min_insync)}}


async def create_topics(settings: Settings) -> list[str]:
    """Create every missing topic; return the names that were created."""
    client = await started(admin(settings), settings)
    try:
        replicas = await cluster_replication(settings, client)
        existing = set(await client.list_topics())
        wanted = []
        for topic in TOPICS:
            if topic.name(settings.topic_prefix) in existing:
                continue
            want = expected(topic, settings, replicas)
            wanted.append(NewTopic(name=topic.name(settings.topic_prefix),
                                   num_partitions=want["partitions"],
                                   replication_factor=want["replication"],
                                   topic_configs=want["config"]))
        if wanted:
            await client.create_topics(wanted)
            await _until_described(client, [t.name for t in wanted])
        return [t.name for t in wanted]
    finally:
        await client.close()


async def _until_described(client, names: list[str], timeout: float = CREATED_SECONDS) -> None:
    """Until the broker asked describes the new topics with a leader for every partition:
    on a cluster the others learn of them a moment after the controller (a `topics list`
    right after would show them empty). Past ``timeout`` they are left to settle."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        described = await client.describe_topics(names)
        if all(d["partitions"] and all(p["leader"] >= 0 for p in d["partitions"]) for d in described):
            return
        await asyncio.sleep(0.2)


async def describe(settings: Settings) -> list[TopicState]:
    """Every registry topic as the cluster has it (partitions, replication factor, the
    configs the registry sets), with what differs from the registry."""
    client = await started(admin(settings), settings)
    try:
        replicas = await cluster_replication(settings, client)
        states = [TopicState(t, t.name(settings.topic_prefix), expected(t, settings, replicas))
                  for t in TOPICS]
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
                               "in_sync": min((len(p["isr"]) for p in partitions), default=0),
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
    if have["in_sync"] < have["replication"]:
        problems.append(f"a partition has {have['in_sync']} of its {have['replication']} replicas "
                        "in sync: a broker is down or catching up")
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
