"""`newsflow demo`: the whole stack once, non-interactively.

Broker (a fresh local Kafka, or NEWSFLOW_BOOTSTRAP if set), topics, a worker, the
articles of seeds/ ingested, and their enriched results printed as they arrive on the
downstream topics. Then everything is shut down.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import orjson

from newsflow.config import Settings
from newsflow.ingest import publish
from newsflow.kafka.admin import create_topics
from newsflow.kafka.broker import LocalKafka, free_port
from newsflow.render import render
from newsflow.runner import WorkerProcess
from newsflow.tail import consumer
from newsflow.topics.registry import DEAD_LETTER, ENRICHED, ENTITIES, QUOTES


def say(text: str) -> None:
    print(f"--> {text}", flush=True)


async def collect(settings: Settings, ids: set[str], timeout: float) -> dict[str, list[dict]]:
    """Messages about ``ids`` from the downstream topics, until every id is enriched or
    dead-lettered (or the timeout)."""
    topics = {t.name(settings.topic_prefix): t.role for t in (ENRICHED, QUOTES, ENTITIES, DEAD_LETTER)}
    client = consumer(settings, *topics)
    found: dict[str, list[dict]] = {role: [] for role in topics.values()}
    done: set[str] = set()
    await client.start()
    deadline = time.monotonic() + timeout
    try:
        while done < ids and time.monotonic() < deadline:
            batch = await client.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                role = topics[tp.topic]
                for record in records:
                    message = orjson.loads(record.value)
                    article = message.get("id") or message.get("article_id")
                    if article in ids:
                        found[role].append(message)
                        if role in ("enriched", "deadletter"):
                            done.add(article)
        # the quote and entity messages of the last article follow its enriched message
        batch = await client.getmany(timeout_ms=2000)
        for tp, records in batch.items():
            for record in records:
                message = orjson.loads(record.value)
                if message.get("article_id") in ids:
                    found[topics[tp.topic]].append(message)
    finally:
        await client.stop()
    return found


def show(found: dict[str, list[dict]]) -> None:
    for message in found["enriched"]:
        say(f"from {ENRICHED.role}:")
        print(render(message))
    say(f"from {QUOTES.role}: {len(found['quotes'])} message(s), key = article id")
    for message in found["quotes"]:
        print(render(message))
    say(f"from {ENTITIES.role}: {len(found['entities'])} message(s), key = entity name")
    for message in found["entities"]:
        print("  " + render(message))
    for message in found["deadletter"]:
        print(render(message))


def run(settings: Settings, seeds: str, timeout: float) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-demo-"))
    broker = None
    worker = None
    ok = False
    try:
        if not os.environ.get("NEWSFLOW_BOOTSTRAP"):
            say("starting a local Apache Kafka (KRaft, single node)")
            broker = LocalKafka(workdir / "kafka").start()
            settings = settings.override(bootstrap=broker.bootstrap)
        say(f"broker {settings.bootstrap}")
        settings = settings.override(web_port=free_port(), data_dir=str(workdir / "worker"))
        created = asyncio.run(create_topics(settings))
        say(f"topics ready ({len(created)} created)")
        say("starting the worker (loads the spaCy model)")
        worker = WorkerProcess(settings, workdir / "worker.log").start()
        worker.wait_healthy(timeout)
        say(f"worker up: {worker.url}/metrics")
        ids, rejected = asyncio.run(publish(settings, [seeds]))
        say(f"ingested {len(ids)} article(s) from {seeds}/ ({rejected} rejected): {', '.join(ids)}")
        found = asyncio.run(collect(settings, set(ids), timeout))
        show(found)
        done = {m["id"] for m in found["enriched"]}
        ok = done == set(ids) and not found["deadletter"]
        metrics = worker.get("/metrics").decode()
        say("worker metrics:")
        for line in metrics.splitlines():
            if line.startswith(("newsflow_articles", "newsflow_quotes", "newsflow_entities",
                                "newsflow_dead_letters")) and "_created" not in line:
                print("  " + line)
        if not ok:
            say(f"FAILED: enriched {len(done)} of {len(ids)}; worker log:\n{worker.tail_log()}")
    except (RuntimeError, TimeoutError, OSError) as exc:
        say(f"FAILED: {exc}")
    finally:
        if worker is not None:
            status = worker.stop()
            say(f"worker stopped (exit {status})")
        if broker is not None:
            broker.stop()
            say("broker stopped")
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"logs kept in {workdir}", file=sys.stderr)
    return 0 if ok else 1


