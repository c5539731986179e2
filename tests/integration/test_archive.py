"""The archive against the real broker, on SQLite and on a real PostgreSQL: the seed,
enriched by a real worker, is searchable by speaker and by entity; a revision replaces its
predecessor; a copy of the seed from another outlet, through the worker, is archived as
the seed's story with two copies; `newsflow search` and the HTTP API answer the same."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from newsflow.archive import api, database, queries, schema
from newsflow.archive.sink import Sink
from newsflow.core.entities.aliases import load
from newsflow.core.parse import from_mapping
from newsflow.ingest.publish import publish as ingest
from newsflow.kafka.clients import producer as new_producer, started
from newsflow.kafka.reader import all_out, collect
from newsflow.local.worker_process import SETTING_ENV
from newsflow.topics import messages
from newsflow.topics.registry import RAW
from tests import archive_messages
from tests.conftest import SEED

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def archive_settings(request, settings, tmp_path_factory):
    if request.param == "sqlite":
        return settings.override(data_dir=str(tmp_path_factory.mktemp("archive")),
                                 archive_group=f"{settings.app_id}-archive-sqlite")
    server = request.getfixturevalue("postgres")
    with sa.create_engine(server.url.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT").connect() as connection:
        name = f"it_{settings.app_id.rsplit('-', 1)[-1]}"
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))  # a fixed test name
    return settings.override(archive_url=server.url.rsplit("/", 1)[0] + f"/{name}",
                             archive_group=f"{settings.app_id}-archive-pg")


async def archived(settings, until, timeout: float = 60.0):
    """Run a sink in this process until ``until(connection)`` holds; the engine."""
    engine = database.open_archive(settings)
    sink = Sink(settings, engine)
    task = asyncio.create_task(sink.run())
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not task.done():
            with engine.connect() as connection:
                if until(connection):
                    return engine
            await asyncio.sleep(0.5)
        raise AssertionError("the archive did not get there in time" if not task.done()
                             else f"the sink stopped: {task.exception()!r}")
    finally:
        sink.stopping.set()
        await asyncio.wait_for(task, 30)


def count(connection, table) -> int:
    return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


@pytest.fixture(scope="module")
async def seed_out(settings, worker, seed_article):
    await ingest(settings, [str(SEED)])
    await collect(settings, ["enriched", "quotes", "entities"], all_out({seed_article.id}))
    return seed_article.id


def search(settings, *arguments: str) -> subprocess.CompletedProcess:
    """`newsflow search ...` in a process of its own, configured as ``settings``."""
    env = {var: str(getattr(settings, name)) for name, var in SETTING_ENV.items()}
    return subprocess.run([sys.executable, "-m", "newsflow.cli", "search", *arguments],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture(scope="module")
async def copy_out(settings, seed_out, seed_article):
    """The seed's text again from another outlet (its own url, so its own id), through the
    worker: a copy in the seed's story. Its id."""
    copy = from_mapping({"title": "Copied: " + seed_article.title, "body": seed_article.body,
                         "published": seed_article.published, "source": "Copy Outlet",
                         "url": "https://copy-outlet.example/kremlin-third-round"})
    producer = await started(new_producer(settings), settings)
    try:
        await producer.send_and_wait(RAW.name(settings.topic_prefix),
                                     messages.encode(messages.raw_article(copy, time.time())),
                                     key=copy.id.encode())
    finally:
        await producer.stop()
    await collect(settings, ["enriched", "stories"], all_out({copy.id}))
    return copy.id


async def test_two_copies_are_one_story_with_two_copies(archive_settings, seed_out, copy_out):
    s = schema.stories.c
    engine = await archived(archive_settings, lambda c: c.execute(
        sa.select(sa.func.count()).where(s.story_id == seed_out)).scalar_one() >= 2
        and count(c, schema.articles) >= 2)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(s.article_id, s.kind, s.copies)
                                  .where(s.story_id == seed_out).order_by(s.offset)).all()
    assert rows == [(seed_out, "founded", 1), (copy_out, "copy", 2)]
    client = TestClient(TestServer(api.make_app(api.Archive(engine, load()))))
    await client.start_server()
    try:
        story = await (await client.get(f"/api/stories/{seed_out}")).json()
        article = await (await client.get(f"/api/articles/{copy_out}")).json()
        quotes = await (await client.get("/api/quotes", params={"story": seed_out,
                                                                "per_page": "100"})).json()
    finally:
        await client.close()
    assert story["founder"]["article_id"] == seed_out and story["count"] == 2
    assert [c["article_id"] for c in story["copies"]] == [copy_out]
    assert "Copy Outlet" in story["outlets"]
    assert article["story"]["id"] == seed_out and article["story"]["copies"] == 2
    assert [o["article_id"] for o in article["story"]["others"]] == [seed_out]
    assert {q["article_id"] for q in quotes["quotes"]} == {seed_out, copy_out}
    shown = search(archive_settings, "story", seed_out, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == story
    table = search(archive_settings, "story", seed_out)
    assert "2 copies" in table.stdout and "copy-outlet.example" in table.stdout
    engine.dispose()


async def test_the_seed_is_searchable_by_speaker_and_entity(archive_settings, seed_out, seed_enriched):
    engine = await archived(archive_settings, lambda c: count(c, schema.quotes) >= len(
        seed_enriched["quotes"]) and count(c, schema.entities) >= len(seed_enriched["canonical_entities"]))
    aliases = load()
    with engine.connect() as connection:
        by_peskov = queries.quotes(connection, queries.QuoteQuery.of({"speaker": "Dmitry Peskov"}), aliases)
        about = queries.quotes(connection, queries.QuoteQuery.of(
            {"speaker": "Dmitry Peskov", "about": "Kyiv"}), aliases)
        ukraine = queries.entity(connection, "Ukraine", queries.Range(None, None), aliases)
        article = queries.article(connection, seed_out)
    assert len(by_peskov["quotes"]) >= 3 and about["quotes"]
    assert all("Kiev" in quote["text"] for quote in about["quotes"])
    assert ukraine and "Dmitry Peskov" in {row["speaker"] for row in ukraine["quoted_about"]}
    assert article["article"]["id"] == seed_out
    shown = search(archive_settings, "quotes", "--speaker", "Dmitry Peskov", "--about", "Kyiv", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == json.loads(json.dumps(about, default=str))
    engine.dispose()


async def test_a_revision_replaces_its_predecessor(archive_settings, seed_out, seed_enriched):
    first = archive_messages.article(seed_enriched, 1)
    revised = {**archive_messages.article(seed_enriched, 1, revision=2),
               "quotes": first["quotes"][:1], "title": "Corrected: " + first["title"]}
    await archive_messages.publish(archive_settings, archive_messages.records(first)
                                   + archive_messages.records(revised))
    a = schema.articles.c

    def revised_in(connection) -> bool:
        return connection.execute(sa.select(a.revision).where(a.id == first["id"])).scalar() == 2 \
            and count(connection, schema.article_versions.select().where(
                schema.article_versions.c.article_id == first["id"]).subquery()) == 2

    engine = await archived(archive_settings, revised_in)
    with engine.connect() as connection:
        quotes = connection.execute(sa.select(schema.quotes.c.revision).where(
            schema.quotes.c.article_id == first["id"])).scalars().all()
        answer = queries.article(connection, first["id"])
    assert quotes == [2]
    assert answer["article"]["title"].startswith("Corrected") and [
        v["revision"] for v in answer["revisions"]] == [1, 2]
    engine.dispose()
