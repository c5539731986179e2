"""One batch of records into the archive: its rows and the offsets it consumed, in ONE
database transaction, fenced.

The fence: each partition's offset row is moved from the offset this sink expects (what
it read on assignment or wrote last) to the batch's end, and only if it still holds that
value. A sink that lost its partition to another (a rebalance, a pause past the session
timeout) finds a different value, or a row where it expected none, and its whole batch
rolls back (Fenced): whatever interleaving, each record's rows commit exactly once.

Revisions: ``article_heads`` holds the newest revision of each article seen; it is
upserted first (in article-id order, so concurrent sinks lock the same rows in the same
order), rows of older revisions are dropped and a rise deletes the article's older rows.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from newsflow.archive import database, schema
from newsflow.archive import rows as rowing
from newsflow.core.entities.aliases import Aliases

PREVIEW_BYTES = 2000  # of a rejected record's value
CHUNK = 300  # rows per multi-row statement (SQLite binds at most 32,766 values)

Partition = tuple[str, int]  # (topic, partition)


class Fenced(Exception):
    """The partition's stored offset is not the one this sink expected: another sink has
    written it. The batch rolled back; resume from the database."""


@dataclass(slots=True)
class Written:
    tables: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (topic, reason)
    stale: int = 0  # rows of a revision older than the article's newest, skipped
    next_offsets: dict[Partition, int] = field(default_factory=dict)


def _insert(dialect: str, table: sa.Table):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _upsert(dialect: str, table: sa.Table, conflict: list[str]):
    statement = _insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=conflict,
        set_={c.name: statement.excluded[c.name] for c in table.columns
              if c.name not in conflict and not c.primary_key})


class Store:
    """Writes batches into the archive on ``engine``; ``roles`` maps each archived topic's
    full name to its role (enriched, quotes, entities, stories)."""

    def __init__(self, engine: sa.Engine, roles: dict[str, str], aliases: Aliases):
        self.engine = database.writer(engine)
        self.roles = roles
        self.aliases = aliases
        dialect = engine.dialect.name
        self.dialect = dialect
        self._upserts = {
            "articles": _upsert(dialect, schema.articles, ["id"]),
            "article_versions": sa.insert(schema.article_versions),
            "quotes": _upsert(dialect, schema.quotes, ["article_id", "idx"]),
            "entities": _upsert(dialect, schema.entities, ["article_id", "key"]),
            "mentions": sa.insert(schema.mentions),
            "stories": _upsert(dialect, schema.stories, ["story_id", "article_id"]),
        }

    def positions(self, partitions: list[Partition]) -> dict[Partition, int | None]:
        """The next offset to archive of each partition; None for one never archived."""
        found: dict[Partition, int | None] = {p: None for p in partitions}
        topics = sorted({topic for topic, _ in partitions})
        with self.engine.connect() as connection:
            for topic, partition, offset in connection.execute(
                    sa.select(schema.offsets.c.topic, schema.offsets.c.partition,
                              schema.offsets.c.next_offset)
                    .where(schema.offsets.c.topic.in_(topics))):
                if (topic, partition) in found:
                    found[topic, partition] = offset
        return found

    def write(self, batch: dict[Partition, list], expected: dict[Partition, int | None]) -> Written:
        """Archive ``batch`` (records by partition, in offset order) in one transaction;
        Fenced if a partition's stored offset is not ``expected``."""
        written, now = Written(), time.time()
        made: list[rowing.Rows] = []
        rejected: list[dict] = []
        for (topic, partition), records in batch.items():
            for record in records:
                where = {"topic": topic, "partition": partition, "offset": record.offset}
                try:
                    message = rowing.decoded(record.value)
                    made.append(rowing.rows(self.roles[topic], message, record.timestamp / 1000,
                                            self.aliases, where))
                except rowing.Rejected as exc:
                    rejected.append({**where, "reason": exc.reason, "detail": exc.detail[:2000],
                                     "preview": (record.value or b"")[:PREVIEW_BYTES].decode(
                                         "utf-8", "replace"), "rejected_at": now})
                    written.rejected.append((topic, exc.reason))
            written.next_offsets[topic, partition] = records[-1].offset + 1
        with self.engine.begin() as connection:
            for partition in sorted(written.next_offsets):
                self._fence(connection, partition, expected.get(partition),
                            written.next_offsets[partition], now)
            tables = self._current(connection, made, written)
            for name, table_rows in tables.items():
                if "archived_at" in getattr(schema, name).c:
                    for row in table_rows:
                        row["archived_at"] = now
                if table_rows:
                    connection.execute(self._upserts[name], table_rows)
                written.tables[name] += len(table_rows)
            if rejected:
                connection.execute(sa.insert(schema.rejected), rejected)
        return written

    def _fence(self, connection: sa.Connection, partition: Partition, expected: int | None,
               next_offset: int, now: float) -> None:
        topic, number = partition
        table = schema.offsets
        if expected is None:
            try:
                with connection.begin_nested():
                    connection.execute(sa.insert(table).values(
                        topic=topic, partition=number, next_offset=next_offset, updated_at=now))
            except sa.exc.IntegrityError:
                raise Fenced(f"{topic}[{number}] was archived by another sink") from None
            return
        moved = connection.execute(
            sa.update(table).where(table.c.topic == topic, table.c.partition == number,
                                   table.c.next_offset == expected)
            .values(next_offset=next_offset, updated_at=now))
        if moved.rowcount != 1:
            raise Fenced(f"{topic}[{number}] is no longer at offset {expected}")

    def _current(self, connection: sa.Connection, made: list[rowing.Rows],
                 written: Written) -> dict[str, list[dict]]:
        """The rows of ``made`` that are of their article's newest revision (the heads
        upserted, older rows of a risen article deleted), one per primary key (the last)."""
        newest: dict[str, tuple[int, object]] = {}
        for item in made:
            if item.revision is None:  # a story event: no revision replaces it
                continue
            if item.article_id not in newest or item.revision > newest[item.article_id][0]:
                newest[item.article_id] = (item.revision, item.dated)
        heads = self._raise_heads(connection, newest)
        tables: dict[str, dict[tuple, dict]] = defaultdict(dict)
        for item in made:
            for name, table_rows in item.tables.items():
                if (item.revision is not None and item.revision < heads[item.article_id]
                        and name not in schema.LOG):
                    written.stale += len(table_rows)
                    continue
                for row in table_rows:
                    tables[name][tuple(row[column] for column in schema.IDENTITY[name])] = row
        entity_rows = list(tables["entities"].values())
        if entity_rows:  # an entity written again: its mentions are replaced
            m = schema.mentions.c
            connection.execute(
                sa.delete(schema.mentions).where(m.article_id == sa.bindparam("a"),
                                                 m.key == sa.bindparam("k")),
                [{"a": r["article_id"], "k": r["key"]} for r in entity_rows])
        return {name: list(by_key.values()) for name, by_key in tables.items()}

    def _raise_heads(self, connection: sa.Connection, newest: dict[str, tuple[int, object]]
                     ) -> dict[str, int]:
        """Upsert each article's newest revision; the heads now. An article whose head
        rose loses its rows of older revisions."""
        h = schema.heads
        before: dict[str, int] = {}
        ids = sorted(newest)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            before.update(connection.execute(
                sa.select(h.c.article_id, h.c.revision).where(h.c.article_id.in_(chunk))).all())
        now: dict[str, int] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            statement = _insert(self.dialect, h).values(
                [{"article_id": a, "revision": newest[a][0], "dated": newest[a][1]} for a in chunk])
            rising = statement.excluded.revision > h.c.revision
            statement = statement.on_conflict_do_update(
                index_elements=["article_id"],
                set_={"revision": sa.case((rising, statement.excluded.revision), else_=h.c.revision),
                      "dated": sa.case((rising, statement.excluded.dated), else_=h.c.dated)},
            ).returning(h.c.article_id, h.c.revision)
            now.update(connection.execute(statement).all())
        risen = [{"a": a, "r": r} for a, r in now.items() if a in before and r > before[a]]
        if risen:
            for table in schema.CONTENT:
                connection.execute(sa.delete(table).where(table.c.article_id == sa.bindparam("a"),
                                                          table.c.revision < sa.bindparam("r")),
                                   risen)
        return now
