"""serve-ingest while its broker is away: it answers 503 with Retry-After within seconds,
reports not ready, keeps its log short, and never publishes later what it answered 503 to
(before: no answer in 200 s, /healthz 200, ~40 ERROR lines a second, and the requests
published after the clients had given up). One broker of its own, stopped and restarted."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid

import httpx
import orjson
import pytest
from aiokafka import TopicPartition

from newsflow.config import Settings
from newsflow.kafka.admin import create_topics
from newsflow.kafka.clients import consumer as new_consumer, started
from newsflow.local.broker import LocalKafka
from newsflow.kafka.reader import collect
from newsflow.topics.registry import RAW
from tests.integration.serve_ingest import ServeIngest

pytestmark = pytest.mark.integration

ACK_TIMEOUT = 2.0
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kafka-away")
    broker = LocalKafka(folder).start()
    yield broker
    broker.stop()
    shutil.rmtree(folder, ignore_errors=True)


def article(n: str) -> bytes:
    return orjson.dumps({"title": f"Story {n}", "body": f"The council met about item {n}.",
                         "url": f"https://example.com/away/{n}"})


async def read_committed(settings: Settings) -> list[dict]:
    """Every raw-topic message to the last stable offset, as the worker sees them."""
    topic = RAW.name(settings.topic_prefix)
    consumer = await started(new_consumer(settings), settings)
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.partitions)]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)  # last stable offsets
        found = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += [orjson.loads(r.value) for r in records]
        return found
    finally:
        await consumer.stop()


async def test_broker_away_503_within_seconds_and_nothing_answered_503_appears_later(
        broker, tmp_path):
    prefix = f"away{uuid.uuid4().hex[:6]}."
    settings = Settings(bootstrap=broker.bootstrap, topic_prefix=prefix, partitions=2)
    await create_topics(settings)
    server = ServeIngest({"NEWSFLOW_BOOTSTRAP": broker.bootstrap, "NEWSFLOW_TOPIC_PREFIX": prefix,
                          "NEWSFLOW_INGEST_ACK_TIMEOUT_SECONDS": str(ACK_TIMEOUT)},
                         tmp_path / "serve-ingest.log").start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            assert (await http.post("/articles", content=article("before"), headers=JSON)).status_code == 202
            broker.stop()
            log_before = len(server.log_lines())
            refused: list[str] = []
            outage_started = time.monotonic()
            while time.monotonic() - outage_started < 12:
                names = [f"away-{len(refused) + i}" for i in range(3)]
                started = time.monotonic()
                answers = await asyncio.gather(*(http.post("/articles", content=article(n),
                                                           headers=JSON) for n in names))
                assert time.monotonic() - started < ACK_TIMEOUT + 2
                for answer in answers:
                    assert answer.status_code == 503, answer.text
                    assert answer.headers["Retry-After"] == "1"
                    assert answer.json()["error"] == "broker_unavailable"
                refused += names
                await asyncio.sleep(0.5)
            assert (await http.get("/readyz")).status_code == 503
            assert (await http.get("/healthz")).status_code == 200  # the process itself is fine
            logged = [line for line in server.log_lines()[log_before:]
                      if "aiohttp.access" not in line]  # one line per request, as ever
            assert len(logged) < 40, "\n".join(logged)  # 12 s at ~40 ERROR lines/s before

            broker.start()
            deadline = time.monotonic() + 60
            while (await http.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, "not ready again after the broker came back"
                await asyncio.sleep(0.5)
            after = await http.post("/articles", content=article("after"), headers=JSON)
            assert after.status_code == 202, after.text
    finally:
        server.stop()

    urls = {f"https://example.com/away/{n}" for n in refused}
    await collect(settings, ["raw"], lambda f: any(m["url"].endswith("/after") for m in f["raw"]), 30)
    committed = {m["url"] for m in await read_committed(settings)}
    assert {"https://example.com/away/before", "https://example.com/away/after"} <= committed
    assert not committed & urls
