"""The store: one batch's rows and offsets in one transaction, fenced; revisions replace
older rows; bad messages are recorded, not written, not fatal."""

from __future__ import annotations

import sqlalchemy as sa
import pytest

from newsflow.archive import schema
from newsflow.archive.observe import table_rows
from newsflow.archive.store import Fenced
from tests.unit.archive.conftest import Record, records


def test_a_batch_writes_its_rows_and_offsets(store, engine, seed_enriched):
    written = store.write(records(seed_enriched, {}), {})
    rows = table_rows(engine)
    assert rows["articles"] == rows["article_versions"] == 1
    assert rows["quotes"] == len(seed_enriched["quotes"]) > 0
    assert rows["entities"] == len(seed_enriched["canonical_entities"]) > 0
    assert written.next_offsets == store.positions(list(written.next_offsets))


def test_a_batch_written_again_from_a_stale_offset_is_fenced_and_writes_nothing(
        store, engine, seed_enriched):
    """What a zombie sink (or one whose partition moved) does: its batch rolls back whole."""
    batch = records(seed_enriched, {})
    store.write(batch, {})
    before = table_rows(engine)
    with pytest.raises(Fenced):
        store.write(batch, {})  # believes the partitions were never archived
    stored = store.positions(list(batch))
    with pytest.raises(Fenced):
        store.write(batch, {partition: 0 for partition in batch})  # an old offset
    assert table_rows(engine) == before and store.positions(list(batch)) == stored


def test_the_next_batch_continues_from_the_stored_offsets(store, engine, seed_enriched):
    offsets: dict[str, int] = {}
    first = store.write(records(seed_enriched, offsets), {})
    store.write(records(seed_enriched, offsets), dict(first.next_offsets))
    assert table_rows(engine)["article_versions"] == 2  # each message archived once
    assert table_rows(engine)["articles"] == 1  # the same article


def test_a_revision_replaces_the_older_rows_and_an_older_one_is_ignored(
        store, engine, seed_enriched):
    offsets: dict[str, int] = {}
    expected = dict(store.write(records(seed_enriched, offsets), {}).next_offsets)
    fewer = {**seed_enriched, "quotes": seed_enriched["quotes"][:2],
             "title": "Revised: " + seed_enriched["title"]}
    expected.update(store.write(records(fewer, offsets, revision=2), expected).next_offsets)
    with engine.connect() as connection:
        quotes = connection.execute(sa.select(schema.quotes.c.revision)).scalars().all()
        assert quotes == [2, 2]  # the first revision's other quotes are gone
        assert connection.execute(sa.select(schema.articles.c.title)).scalar_one().startswith("Revised")
    late = store.write(records(seed_enriched, offsets, revision=1), expected)
    assert late.stale > 0 and sum(late.tables.values()) == 1  # only its version row
    with engine.connect() as connection:
        assert connection.execute(sa.select(schema.articles.c.revision)).scalar_one() == 2
        assert sorted(connection.execute(sa.select(schema.article_versions.c.revision))
                      .scalars()) == [1, 1, 2]  # unmarked is the first revision


def test_bad_messages_are_recorded_with_their_offset_and_the_rest_written(store, engine, seed_enriched):
    batch = records(seed_enriched, {})
    batch["t.quotes", 0].append(Record(len(batch["t.quotes", 0]), b"not json", 0))
    batch["t.quotes", 0].append(Record(len(batch["t.quotes", 0]), b'{"schema": "quote/1"}', 0))
    written = store.write(batch, {})
    assert [reason for _, reason in written.rejected] == ["not_json", "schema"]
    with engine.connect() as connection:
        rejected = connection.execute(sa.select(schema.rejected.c.offset, schema.rejected.c.reason)).all()
    assert [offset for offset, _ in rejected] == [len(seed_enriched["quotes"]),
                                                  len(seed_enriched["quotes"]) + 1]
    assert table_rows(engine)["quotes"] == len(seed_enriched["quotes"])
    assert written.next_offsets["t.quotes", 0] == len(seed_enriched["quotes"]) + 2
