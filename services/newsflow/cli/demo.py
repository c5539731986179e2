"""`newsflow demo`: the whole stack once, non-interactively.

Broker (a fresh local Kafka; with NEWSFLOW_BOOTSTRAP or --bootstrap that cluster, under
topics and a consumer group of the demo's own, so it neither joins nor feeds the real
workers), topics, a worker, the articles of seeds/ ingested, and their enriched results
printed as they arrive on the downstream topics. Then everything is shut down; exit
status 1 unless every seed came out enriched.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.errors import Failed
from newsflow.local.progress import say

HELP = "broker, topics, worker, ingest seeds/, show the result"


def add_arguments(parser) -> None:
    parser.add_argument("--seeds", default="seeds", help="folder of articles to ingest (default seeds/)")
    parser.add_argument("--timeout", type=float, default=180.0, help="give up after N seconds")
    options.connection(parser)


def show(found: dict[str, list[dict]]) -> None:
    from newsflow.cli.render import render
    from newsflow.topics.registry import ENRICHED, ENTITIES, QUOTES


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


def run(settings: Settings, args) -> int:
    from newsflow.ingest.publish import publish
    from newsflow.kafka.admin import create_topics
    from newsflow.kafka.reader import all_out, collect
    from newsflow.local.broker import LocalKafka, free_port
    from newsflow.local.worker_process import WorkerProcess

    seeds, timeout = args.seeds, args.timeout
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-demo-"))
    broker = None
    worker = None
    ok = False
    try:
        if settings.given("bootstrap"):
            unique = uuid.uuid4().hex[:8]
            settings = settings.override(topic_prefix=f"{settings.topic_prefix}demo-{unique}.",
                                         app_id=f"{settings.app_id}-demo-{unique}")
            say(f"on the given cluster, topics {settings.topic_prefix}*, group {settings.app_id}")
        else:
            say("starting a local Apache Kafka (KRaft, single node)")
            broker = LocalKafka(workdir / "kafka", settings=settings).start()
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
    if not ok:
        raise Failed("the seeds did not all come out enriched")
    return 0


