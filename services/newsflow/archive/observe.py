"""What the archive reports about itself beyond its batches: rows per table and the
database's size (newsflow_archive_rows, newsflow_archive_size_bytes)."""

from __future__ import annotations

import os

import sqlalchemy as sa

from newsflow import metrics
from newsflow.archive import schema


def size_bytes(engine: sa.Engine) -> int:
    """The database's size on disk: the SQLite file and its WAL, or PostgreSQL's figure."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database or ""
        return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.pg_database_size(
            sa.func.current_database()))).scalar_one()


def table_rows(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table.name: connection.execute(
            sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in schema.COUNTED}


def measure(engine: sa.Engine) -> None:
    """Set the gauges (run every ~30 s by the sink, in a thread)."""
    for name, count in table_rows(engine).items():
        metrics.ARCHIVE_TABLE_ROWS.labels(name).set(count)
    metrics.ARCHIVE_SIZE.set(size_bytes(engine))
