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
from pathlib import Path

from newsflow.config import Settings
from newsflow.ingest.publish import publish
from newsflow.kafka.admin import create_topics
from newsflow.local.broker import LocalKafka, free_port
from newsflow.kafka.reader import all_out, collect
from newsflow.cli.render import render
from newsflow.local.worker_process import WorkerProcess
from newsflow.topics.registry import ENRICHED, ENTITIES, QUOTES


def say(text: str) -> None:
    print(f"--> {text}", flush=True)


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
        ids: list[str] = []
        _, rejected = asyncio.run(publish(settings, [seeds], acknowledged=ids.extend))
        say(f"ingested {len(ids)} article(s) from {seeds}/ ({rejected} rejected): {', '.join(ids)}")
        roles = ["enriched", "quotes", "entities", "deadletter"]
        found = asyncio.run(collect(settings, roles, all_out(set(ids)), timeout))
        found = {role: [m for m in messages if (m.get("id") or m.get("article_id")) in ids]
                 for role, messages in found.items()}
        show(found)
        done = {m["id"] for m in found["enriched"]}
        ok = done == set(ids) and not found["deadletter"]
        metrics = worker.get("/metrics").decode()
        say("worker metrics (the non-zero ones):")
        for line in metrics.splitlines():
            if line.startswith(("newsflow_articles", "newsflow_quotes", "newsflow_entities",
                                "newsflow_dead_letters")) and "_created" not in line \
                    and float(line.rsplit(" ", 1)[1]) != 0:
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


