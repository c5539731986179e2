"""The topic registry, the message builders and the JSON Schemas of every message."""

from newsflow.topics.registry import DEAD_LETTER, ENRICHED, ENTITIES, QUOTES, RAW, TOPICS, Topic, by_role
from newsflow.topics.validation import validate

__all__ = ["DEAD_LETTER", "ENRICHED", "ENTITIES", "QUOTES", "RAW", "TOPICS", "Topic", "by_role", "validate"]
