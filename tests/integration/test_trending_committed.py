"""The trending tables count committed entity messages only: a worker killed mid-batch
leaves an aborted transaction in the entity topic, which must not be counted."""

from __future__ import annotations

import asyncio
import json
import time

import orjson
import pytest
from newsflow.kafka.clients import producer as new_producer, started
from newsflow.topics.registry import ENTITIES

pytestmark = pytest.mark.integration


def entity(name: str, article_id: str) -> dict:
    return {"name": name, "normalized": name, "label": "PERSON", "role": None, "count": 1,
            "quotes": [], "co_occurring": [], "article_id": article_id, "title": "t",
            "published": None}


async def test_aborted_entity_messages_are_not_counted(settings, worker):
    topic = ENTITIES.name(settings.topic_prefix)
    producer = await started(new_producer(settings, transactional_id=f"{settings.app_id}-test-writer"),
                             settings)
    try:
        for name, commit in (("Aborted Person", False), ("Committed Person", True)):
            await producer.begin_transaction()
            await producer.send_and_wait(topic, orjson.dumps(entity(name, name)), key=name.encode())
            if commit:
                await producer.commit_transaction()
            else:
                await producer.abort_transaction()
    finally:
        await producer.stop()

    names: set[str] = set()
    deadline = time.monotonic() + 60
    while "Committed Person" not in names and time.monotonic() < deadline:
        try:
            answer = json.loads(worker.get("/trending?window=1h"))
            names = {row["name"] for row in answer["entities"]}
        except OSError:
            pass
        await asyncio.sleep(0.5)
    assert "Committed Person" in names
    assert "Aborted Person" not in names
