"""Articles that cost more than the worker gives one (time, memory) or whose output a topic
refuses are dead-lettered with the reason; the articles around them, on every partition,
flow on; the worker keeps its place in the group and stops on SIGTERM within its bound."""

from __future__ import annotations

import asyncio
import json
import time

import orjson
import pytest
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from newsflow.core.parse import from_mapping
from newsflow.kafka.clients import admin, started
from newsflow.topics.registry import DEAD_LETTER, ENRICHED
from tests.faults.stream import (Stream, article, article_fields, audit_into, read_messages,
                                 wait_caught_up)

SHORT = 600
LONG = 2000  # paragraphs: ~300k characters, about 10 s to enrich on one core
STOP_BOUND_SECONDS = 20  # docs/guarantees.md


def _stream_with(settings, extra: tuple[bytes, bytes], at: int = SHORT // 2) -> None:
    items = [article(i) for i in range(SHORT)]
    items.insert(at, extra)
    stream = Stream(settings, items, rate=200)
    stream.start()
    stream.finish()


def _dead_letters(settings) -> list[dict]:
    return read_messages(settings, DEAD_LETTER.name(settings.topic_prefix))


def _metric(worker, name: str) -> float:
    for line in worker.get("/metrics").decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError(f"no metric {name}")


@pytest.mark.parametrize("budget, reason", [
    ({"enrich_timeout_seconds": 3.0}, "enrichment_timeout"),
    ({"enrich_memory_mb": 380}, "enrichment_memory"),  # warm model ~240 MiB, LONG ~500
])
def test_an_article_over_its_budget_is_dead_lettered(settings, workers, figures, budget, reason):
    workers.settings = settings.override(**budget)
    worker = workers.start("w1")
    started = time.monotonic()
    _stream_with(settings, article(10_000, LONG))
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    figures["seconds"] = round(time.monotonic() - started, 2)
    report = audit_into(settings, figures)
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.enriched == SHORT and report.dead_letters == 1
    [letter] = _dead_letters(settings)
    assert letter["reason"] == reason
    assert letter["article_id"] == from_mapping(article_fields(10_000, LONG)).id
    ready = json.loads(worker.get("/readyz"))
    assert ready["ready"] and ready["assigned_partitions"] == [0, 1, 2, 3]
    assert _metric(worker, "newsflow_enrich_process_starts_total") >= 2  # the killed one, replaced


def test_a_message_the_topic_refuses_is_dead_lettered(settings, workers, figures):
    worker = workers.start("w1")
    limit = 64 * 1024  # lowered after the worker read the limits: the broker itself refuses
    asyncio.run(_set_max_message_bytes(settings, ENRICHED.name(settings.topic_prefix), limit))
    dense = orjson.dumps({"title": "Names", "body": "Paris " * 7000})  # ~40 kB in, ~1 MB out
    item = from_mapping(orjson.loads(dense))
    _stream_with(settings, (item.id.encode(), dense))
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    report = audit_into(settings, figures)
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.enriched == SHORT and report.dead_letters == 1
    [letter] = _dead_letters(settings)
    assert letter["reason"] == "output_too_large" and letter["article_id"] == item.id
    aborted = _metric(worker, 'newsflow_transactions_total{outcome="aborted"}')
    figures["aborted_transactions"] = aborted
    assert aborted == 1  # one refusal, then its dead letter: no retrying


def test_sigterm_stops_within_its_bound_while_an_article_is_enriched(settings, workers, figures):
    worker = workers.start("w1")
    huge = article(20_000, 3 * LONG)  # ~900 kB: half a minute of enrichment
    Stream(settings, [huge], rate=1).run()
    time.sleep(4)  # it is being enriched
    stopping = time.monotonic()
    assert worker.stop(timeout=60) == 0
    figures["stop_seconds"] = round(time.monotonic() - stopping, 2)
    assert figures["stop_seconds"] < STOP_BOUND_SECONDS
    workers.settings = settings.override(enrich_timeout_seconds=3.0)
    workers.start("w1")  # done again by the next owner, within its (short) budget
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    report = audit_into(settings, figures)
    assert report.ok and report.dead_letters == 1


async def _set_max_message_bytes(settings, topic: str, limit: int) -> None:
    client = await started(admin(settings), settings)
    try:
        await client.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                                   {"max.message.bytes": str(limit)})])
    finally:
        await client.close()
