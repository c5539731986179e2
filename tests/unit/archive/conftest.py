"""An archive on SQLite in a temp folder, and records made from the seed's enrichment."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from newsflow.archive import database
from newsflow.archive.store import Store
from newsflow.config import Settings
from newsflow.core.entities.aliases import load
from newsflow.topics import messages

ROLES = {"t.enriched": "enriched", "t.quotes": "quotes", "t.entities": "entities"}


@dataclass
class Record:
    offset: int
    value: bytes
    timestamp: float


def records(enriched: dict, offsets: dict[str, int], revision: int | None = None) -> dict:
    """The seed's messages as one batch of records on partition 0 of each topic, from
    ``offsets`` (advanced)."""
    if revision is not None:
        enriched = {**enriched, "revision": revision}
    now = time.time() * 1000
    values = {
        "t.enriched": [messages.encode(messages.enriched_article(enriched, now / 1000))],
        "t.quotes": [messages.encode({**m, **({"revision": revision} if revision is not None else {})})
                     for _, m in messages.quote_messages(enriched)],
        "t.entities": [messages.encode({**m, **({"revision": revision} if revision is not None else {})})
                       for _, m in messages.entity_messages(enriched)],
    }
    batch = {}
    for topic, topic_values in values.items():
        start = offsets.get(topic, 0)
        batch[topic, 0] = [Record(start + i, value, now) for i, value in enumerate(topic_values)]
        offsets[topic] = start + len(topic_values)
    return batch


@pytest.fixture
def engine(tmp_path):
    made = database.open_archive(Settings(data_dir=str(tmp_path)))
    yield made
    made.dispose()


@pytest.fixture
def store(engine):
    return Store(engine, ROLES, load())
