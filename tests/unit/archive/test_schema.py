"""The migrations make exactly the tables schema.py describes (Alembic's comparison finds
no difference), and retention deletes what is older than it keeps."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from newsflow.archive import database, retention, schema
from newsflow.archive.observe import table_rows
from newsflow.archive.store import Store
from newsflow.config import Settings
from newsflow.core.entities.aliases import load
from tests.unit.archive.conftest import ROLES, records, story_copies, story_records


def test_migrations_match_the_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_name": lambda name, kind, _: not (kind == "table" and name.startswith("quotes_fts"))})
        assert compare_metadata(context, schema.metadata) == []
        assert context.get_current_revision() == database.head() == "0002"


def test_retention_purges_older_articles(store, engine, seed_enriched):
    store.write(records(seed_enriched, {}), {})  # dated 2025-07-14
    kept = retention.purge(engine, 90 * 86400, today=dt.date(2025, 8, 1))
    assert sum(kept.values()) == 0
    deleted = retention.purge(engine, 90 * 86400, today=dt.date(2025, 12, 1))
    assert deleted["quotes"] == len(seed_enriched["quotes"]) and deleted["mentions"] > 0
    assert sum(table_rows(engine).values()) == 0


def test_an_archive_of_0001_upgrades_to_0002_keeping_its_rows(tmp_path, seed_enriched):
    """An archive made before the stories table: the sink's start migrates it, its rows
    stay, and the stories table is there to write."""
    old = database.engine(Settings(data_dir=str(tmp_path)))
    with old.begin() as connection:
        command.upgrade(database._alembic(connection), "0001")
    assert "stories" not in sa.inspect(old).get_table_names()
    offsets: dict[str, int] = {}
    expected = dict(Store(old, ROLES, load()).write(records(seed_enriched, offsets), {}).next_offsets)
    assert database.migrate(old) == "0002"
    rows = table_rows(old)
    assert rows["stories"] == 0 and rows["articles"] == 1 and rows["quotes"] == len(seed_enriched["quotes"])
    written = Store(old, ROLES, load()).write(story_records(story_copies(seed_enriched, 2), offsets),
                                              expected)
    assert written.tables["stories"] == 2
    old.dispose()
