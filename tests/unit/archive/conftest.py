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

ROLES = {"t.enriched": "enriched", "t.quotes": "quotes", "t.entities": "entities",
         "t.stories": "stories"}


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


def story_copies(enriched: dict, copies: int) -> list[dict]:
    """The seed as the founder of a story and ``copies`` - 1 copies of it (other ids,
    urls and outlets): their enriched messages, the story set."""
    founder = {**enriched, "source": "outlet 1", "story": {"id": enriched["id"], "copies": 1}}
    made = [founder]
    for n in range(2, copies + 1):
        made.append({**enriched, "id": f"{enriched['id'][:50]}-copy{n}", "source": f"outlet {n}",
                     "url": f"https://outlet{n}.example/story", "story": {"id": enriched["id"], "copies": n}})
    return made


def story_records(stories: list[dict], offsets: dict[str, int]) -> dict:
    """Each article's announcement on the stories topic (partition 0), from ``offsets``."""
    now = time.time() * 1000
    start = offsets.get("t.stories", 0)
    values = [messages.encode(messages.story_message(
        article, "sig" if article["story"]["id"] == article["id"] else None)) for article in stories]
    offsets["t.stories"] = start + len(values)
    return {("t.stories", 0): [Record(start + i, value, now) for i, value in enumerate(values)]}
