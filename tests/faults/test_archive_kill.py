"""Exactly once into the archive under kill -9: 5,000 articles' enriched, quote and entity
messages on the topics, `newsflow archive` killed mid-stream and restarted, then the
database holds each message's rows exactly once: every enriched message one version row
(none missing, none doubled), every article, quote and entity once, nothing rejected.
On SQLite with one sink, killed twice; on PostgreSQL with two sinks in one group, one
killed, then the database stopped for 5 s under the other (which retries), then the
killed one restarted."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from newsflow.archive import database, schema
from newsflow.archive.sink import topic_roles
from newsflow.kafka.reader import read_topic
from newsflow.local.broker import free_port
from newsflow.local.worker_process import ARCHIVE_COMMAND, WorkerProcess
from tests import archive_messages

ARTICLES = 5000


def sink(settings, folder, name: str) -> WorkerProcess:
    port = free_port()
    process = WorkerProcess(settings.override(archive_port=port, web_port=port),
                            folder / f"archive-{name}.log", command=ARCHIVE_COMMAND).start()
    process.wait_healthy(timeout=60)
    return process


def rows(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


async def messages_on_topics(settings) -> dict[str, int]:
    found = {}
    for name, role in topic_roles(settings).items():
        found[role] = sum([1 async for _ in read_topic(settings, name)])
    return found


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_kill_9_mid_stream_leaves_every_message_archived_exactly_once(
        backend, settings, tmp_path, request, figures, seed_enriched):
    if backend == "postgresql":
        settings = settings.override(archive_url=request.getfixturevalue("fresh_postgres"))
    settings = settings.override(archive_group=f"{settings.app_id}-archive",
                                 data_dir=str(tmp_path / "data"), archive_batch_size=500)
    items = [record for i in range(ARTICLES)
             for record in archive_messages.records(archive_messages.article(seed_enriched, i))]
    started = time.monotonic()
    await archive_messages.publish(settings, items)
    figures["published_seconds"] = round(time.monotonic() - started, 1)
    engine = database.open_archive(settings)
    versions = schema.article_versions
    sinks = [sink(settings, tmp_path, "1")]
    if backend == "postgresql":
        sinks.append(sink(settings, tmp_path, "2"))
    started = time.monotonic()
    try:
        wait_for(lambda: rows(engine, versions) >= ARTICLES // 5, 120, "a fifth archived")
        sinks[0].kill()
        figures["killed_at_versions"] = rows(engine, versions)
        if backend == "postgresql":  # and the database away for a while under the other sink
            server = request.getfixturevalue("postgres")
            server.stop_server()
            time.sleep(5)
            server.start_server()
            wait_for(lambda: rows(engine, versions) >= ARTICLES // 2, 120, "half archived")
            figures["database_restarted"] = True
        if backend == "sqlite":  # and once more after the restart
            sinks[0] = sink(settings, tmp_path, "1b")
            wait_for(lambda: rows(engine, versions) >= ARTICLES // 2, 120, "half archived")
            sinks[0].kill()
        sinks[0] = sink(settings, tmp_path, "1c")
        total = len(items)

        def caught_up() -> bool:
            with engine.connect() as connection:
                return (connection.execute(sa.select(sa.func.sum(schema.offsets.c.next_offset)))
                        .scalar() or 0) >= total

        wait_for(caught_up, 180, "the sinks to catch up")
        figures["archive_seconds"] = round(time.monotonic() - started, 1)
    finally:
        for process in sinks:
            process.stop()
    on_topics = await messages_on_topics(settings)
    assert on_topics == {"enriched": ARTICLES, "quotes": ARTICLES * archive_messages.QUOTES_EACH,
                         "entities": ARTICLES * archive_messages.ENTITIES_EACH, "stories": 0}
    with engine.connect() as connection:
        doubled = connection.execute(
            sa.select(versions.c.topic, versions.c.partition, versions.c.offset)
            .group_by(versions.c.topic, versions.c.partition, versions.c.offset)
            .having(sa.func.count() > 1)).all()
    found = {"versions": rows(engine, versions), "articles": rows(engine, schema.articles),
             "quotes": rows(engine, schema.quotes), "entities": rows(engine, schema.entities),
             "rejected": rows(engine, schema.rejected)}
    figures.update(backend=backend, messages=sum(on_topics.values()), **found,
                   messages_per_second=round(sum(on_topics.values()) / figures["archive_seconds"]))
    assert doubled == []
    assert found == {"versions": on_topics["enriched"], "articles": ARTICLES,
                     "quotes": on_topics["quotes"], "entities": on_topics["entities"], "rejected": 0}
    engine.dispose()


@pytest.fixture
def fresh_postgres(postgres, settings) -> str:
    """A database of this test's own on the session's PostgreSQL server."""
    name = f"f_{settings.app_id.rsplit('-', 1)[-1]}"
    with sa.create_engine(postgres.url.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return postgres.url.rsplit("/", 1)[0] + f"/{name}"
