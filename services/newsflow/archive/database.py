"""The archive's database: which one (NEWSFLOW_ARCHIVE_URL, else SQLite in
NEWSFLOW_DATA_DIR), its engine, and its schema brought to the newest migration on start.

PostgreSQL URLs are given as ``postgresql://...`` and driven by psycopg 3. SQLite runs in
WAL mode (readers do not wait for the sink) with a busy timeout, so the API and a `newsflow
search` can read while the sink writes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import sqlalchemy as sa

# Alembic logs a dozen INFO lines on every start (its plugins, the context): not news.
logging.getLogger("alembic").setLevel(logging.WARNING)

from alembic import command  # noqa: E402 - after quieting its import-time lines
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402

from newsflow.config import Settings
from newsflow.errors import ConfigError, Unavailable

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_FILE = "archive.sqlite3"
BUSY_TIMEOUT_SECONDS = 30


def url(settings: Settings) -> sa.URL:
    """The archive's URL: NEWSFLOW_ARCHIVE_URL, else <data dir>/archive.sqlite3."""
    if not settings.archive_url:
        return sa.URL.create("sqlite", database=str(Path(settings.data_dir) / SQLITE_FILE))
    try:
        given = sa.make_url(settings.archive_url)
    except sa.exc.ArgumentError:
        raise ConfigError(f"NEWSFLOW_ARCHIVE_URL is no database URL (use sqlite:///PATH or "
                          f"postgresql://user@host/db)") from None
    if given.get_backend_name() == "postgresql":
        return given.set(drivername="postgresql+psycopg")
    if given.get_backend_name() == "sqlite":
        return given
    raise ConfigError(f"NEWSFLOW_ARCHIVE_URL: {given.get_backend_name()} is not supported "
                      f"(sqlite or postgresql)")


def engine(settings: Settings) -> sa.Engine:
    """An engine on the archive (the SQLite file's folder made if missing)."""
    where = url(settings)
    if where.get_backend_name() == "sqlite":
        if where.database and where.database != ":memory:":
            Path(where.database).parent.mkdir(parents=True, exist_ok=True)
        made = sa.create_engine(where, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, **_JSON)
        sa.event.listen(made, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling is off: BEGIN is ours. A writer's (see
        # writer()) takes the write lock at once (IMMEDIATE), so that two writers queue on
        # the busy timeout instead of failing; readers' is deferred and never blocks them
        # (WAL).
        sa.event.listen(made, "begin", lambda conn: conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITER) else "BEGIN"))
        return made
    return sa.create_engine(where, pool_pre_ping=True, **_JSON)


# JSON columns (the archived documents) through orjson: several times faster than json
_JSON = {"json_serializer": lambda value: orjson.dumps(value).decode(),
         "json_deserializer": orjson.loads}


WRITER = "newsflow_writer"


def writer(made: sa.Engine) -> sa.Engine:
    """The engine for transactions that write (the store, retention)."""
    return made.execution_options(**{WRITER: True})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # BEGIN is ours (see engine)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _alembic(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(made: sa.Engine) -> str:
    """Bring the schema to the newest migration (one transaction; PostgreSQL: under an
    advisory lock, so sinks starting together migrate once); the revision it is at."""
    try:
        with made.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            command.upgrade(_alembic(connection), "head")
            return MigrationContext.configure(connection).get_current_revision()
    except sa.exc.OperationalError as exc:
        raise Unavailable(f"the archive database does not answer "
                          f"({made.url.render_as_string(hide_password=True)}): "
                          f"{exc.orig or exc}".splitlines()[0]) from None


def head() -> str:
    """The newest migration shipped."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


# Any constant the archive alone uses as its pg_advisory_xact_lock key
MIGRATION_LOCK = 0x6E657773


def open_archive(settings: Settings) -> sa.Engine:
    """The archive's engine, its schema migrated."""
    made = engine(settings)
    migrate(made)
    return made
