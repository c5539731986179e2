"""The migrations make exactly the tables schema.py describes (Alembic's comparison finds
no difference), and retention deletes what is older than it keeps."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from newsflow.archive import database, retention, schema
from newsflow.archive.observe import table_rows
from tests.unit.archive.conftest import records


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
