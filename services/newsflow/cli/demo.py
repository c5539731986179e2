"""`newsflow demo`: the whole stack once, non-interactively.

Broker (a fresh local Kafka; with NEWSFLOW_BOOTSTRAP or --bootstrap that cluster, under
topics and a consumer group of the demo's own, so it neither joins nor feeds the real
workers), topics, a worker and the archive sink (SQLite in the demo's folder), the
articles of seeds/ ingested, their enriched results printed as they arrive on the
downstream topics, and one search of the archive; the archive serves the web console too
(its URL printed). Then everything is shut down (with --keep, on Ctrl-C); exit status 1
unless every seed came out enriched and archived.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.errors import Failed
from newsflow.local.progress import say
from newsflow.logs import console

HELP = "broker, topics, worker, archive, ingest seeds/, show the result and a search"


def add_arguments(parser) -> None:
    parser.add_argument("--seeds", default="seeds", help="folder of articles to ingest (default seeds/)")
    parser.add_argument("--timeout", type=float, default=180.0, help="give up after N seconds")
    parser.add_argument("--keep", action="store_true",
                        help="then keep everything up, the web console with it, until Ctrl-C")
    options.connection(parser)


def show(found: dict[str, list[dict]]) -> None:
    from newsflow.cli.render import render
    from newsflow.topics.registry import ENRICHED, ENTITIES, QUOTES

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


def search_archive(settings: Settings, found: dict[str, list[dict]], timeout: float) -> bool:
    """Wait until the archive holds the seeds' quotes, then show one search: the quotes of
    the first quote's speaker. Whether it got there."""
    import time

    from newsflow.archive import database, queries
    from newsflow.cli.search import quote_table
    from newsflow.core.entities.aliases import load

    wanted = len(found["quotes"])
    speaker = next((q["speaker"]["name"] for q in found["quotes"]
                    if (q.get("speaker") or {}).get("name")), None)
    engine = database.open_archive(settings)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                answer = queries.quotes(connection, queries.QuoteQuery.of({"per_page": "100"}), load())
                if len(answer["quotes"]) >= wanted:
                    if speaker:
                        answer = queries.quotes(connection, queries.QuoteQuery.of(
                            {"speaker": speaker, "per_page": "5"}), load())
                    say(f"archive ({database.url(settings).database}): newsflow search quotes "
                        f"--speaker {speaker!r} --limit 5" if speaker else "archive: all quotes")
                    print(quote_table(answer))
                    return True
            time.sleep(0.5)
    finally:
        engine.dispose()
    say(f"FAILED: the archive did not get the {wanted} quote(s) in {timeout:.0f}s")
    return False


def wait_for_interrupt() -> None:
    """Until Ctrl-C or SIGTERM (either ends the demo the same way, its children stopped)."""
    import signal

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        signal.pause()
    except KeyboardInterrupt:
        say("interrupted: stopping")
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(settings: Settings, args) -> int:
    from newsflow.ingest.publish import publish
    from newsflow.kafka.admin import create_topics
    from newsflow.kafka.reader import all_out, collect
    from newsflow.local.broker import LocalKafka, free_port
    from newsflow.local.worker_process import ARCHIVE_COMMAND, WorkerProcess

    seeds, timeout = args.seeds, args.timeout
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-demo-"))
    broker = None
    worker = archive = None
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
        port = free_port()
        archive = WorkerProcess(settings.override(archive_port=port, web_port=port,
                                                  console_workers=worker.url),
                                workdir / "archive.log", command=(*ARCHIVE_COMMAND, "--serve")).start()
        archive.wait_healthy(timeout)
        say(f"archive sink up: {archive.url}/metrics; web console: {archive.url}/")
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
        ok = search_archive(settings, found, timeout) and ok
        metrics = worker.get("/metrics").decode()
        say("worker metrics (the non-zero ones):")
        for line in metrics.splitlines():
            if line.startswith(("newsflow_articles", "newsflow_quotes", "newsflow_entities",
                                "newsflow_dead_letters")) and "_created" not in line \
                    and float(line.rsplit(" ", 1)[1]) != 0:
                print("  " + line)
        if not ok:
            say(f"FAILED: enriched {len(done)} of {len(ids)}; worker log:\n{worker.tail_log()}")
        elif args.keep:
            say(f"web console: {archive.url}/ (ingest more: NEWSFLOW_BOOTSTRAP={settings.bootstrap} "
                f"NEWSFLOW_TOPIC_PREFIX={settings.topic_prefix} newsflow ingest FILE); Ctrl-C to stop")
            wait_for_interrupt()
    except (RuntimeError, TimeoutError, OSError) as exc:
        say(f"FAILED: {exc}")
    finally:
        if worker is not None:
            status = worker.stop()
            say(f"worker stopped (exit {status})")
        if archive is not None:
            status = archive.stop()
            say(f"archive stopped (exit {status})")
        if broker is not None:
            broker.stop()
            say("broker stopped")
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            console.warning(f"logs kept in {workdir}")
    if not ok:
        raise Failed("the seeds did not all come out enriched and archived")
    return 0


