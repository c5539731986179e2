"""Every topic newsflow reads or writes: name, key, partitions, message type, topic config.

This is the single source of truth; the admin command, the producer, the worker, `tail`
and the tests all read it. Each topic carries one message type, whose JSON Schema is
``schemas/<message>.schema.json`` and whose version is the ``schema`` field of every
message (``"<message>/<version>"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Big enough for the largest payload the size limit may be raised to, so that an
# oversize article can still be dead-lettered with its original bytes.
TOPIC_MAX_BYTES = 16 * 1024 * 1024
LARGE_MESSAGES = {"max.message.bytes": str(TOPIC_MAX_BYTES)}


@dataclass(frozen=True, slots=True)
class Topic:
    role: str  # short name used on the command line: `newsflow tail quotes`
    suffix: str  # full name = settings.topic_prefix + suffix
    message: str  # message type: schema file and "schema" field
    version: int
    key: str  # what the record key is
    description: str
    partitions: int | None = None  # None: the configured partition count
    config: dict[str, str] = field(default_factory=dict)

    def name(self, prefix: str) -> str:
        return prefix + self.suffix

    @property
    def schema_id(self) -> str:
        return f"{self.message}/{self.version}"


RAW = Topic(
    "raw", "articles.raw", "raw_article", 1, "article id",
    "Incoming articles as the producer publishes them.", config=LARGE_MESSAGES,
)
ENRICHED = Topic(
    "enriched", "articles.enriched", "enriched_article", 1, "article id",
    "Each article with entities, canonical entities, quotes and metadata.",
    config=LARGE_MESSAGES,
)
QUOTES = Topic(
    "quotes", "quotes", "quote", 1, "article id",
    "One message per quote, with speaker, cue and relaying outlet.",
)
ENTITIES = Topic(
    "entities", "entities", "entity", 1, "normalised entity name",
    "One message per canonical entity per article.",
)
DEAD_LETTER = Topic(
    "deadletter", "articles.deadletter", "dead_letter", 1, "article id, or the source key",
    "Input that could not be enriched: original bytes, reason, where it came from.",
    config=LARGE_MESSAGES,
)

STORIES = Topic(
    "stories", "stories", "story", 1, "story id",
    "Each story when founded and each copy that joins it; every worker reads it all to "
    "find copies across partitions (worker/stories.py).",
)

# Written in the worker's transaction, one record per raw record processed; partition p
# mirrors raw partition p, so the owner of a raw partition restores its dedupe state from it.
SEEN = Topic(
    "seen", "articles.seen", "seen", 1, "article id, or raw topic/partition/offset if unparseable",
    "What the worker has processed: its dedupe store, compacted by key.",
    config={"cleanup.policy": "compact"},
)

TOPICS: tuple[Topic, ...] = (RAW, ENRICHED, QUOTES, ENTITIES, DEAD_LETTER, SEEN, STORIES)


def by_role(role: str) -> Topic:
    for topic in TOPICS:
        if topic.role == role:
            return topic
    raise KeyError(f"no topic {role!r}; known: {', '.join(t.role for t in TOPICS)}")
