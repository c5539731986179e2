"""Story events into the archive: one row per (story, article), in the same fenced
transaction as the rest; a repeated announcement does not double a row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from newsflow.archive import schema
from newsflow.archive.observe import table_rows
from newsflow.archive.store import Fenced
from tests.unit.archive.conftest import Record, story_copies, story_records


def test_a_story_and_its_copies_are_one_row_each(store, engine, seed_enriched):
    store.write(story_records(story_copies(seed_enriched, 3), {}), {})
    with engine.connect() as connection:
        rows = connection.execute(sa.select(schema.stories.c.story_id, schema.stories.c.kind,
                                            schema.stories.c.copies, schema.stories.c.offset)
                                  .order_by(schema.stories.c.offset)).all()
    assert rows == [(seed_enriched["id"], "founded", 1, 0), (seed_enriched["id"], "copy", 2, 1),
                    (seed_enriched["id"], "copy", 3, 2)]
    # no revision head: a story event is no article content
    assert table_rows(engine)["article_versions"] == 0


def test_a_repeated_announcement_does_not_double_a_row(store, engine, seed_enriched):
    """The same message again at a later offset (a producer's retry outside a transaction,
    a replayed topic): upserted on its natural key."""
    offsets: dict[str, int] = {}
    stories = story_copies(seed_enriched, 2)
    first = store.write(story_records(stories, offsets), {})
    again = store.write(story_records(stories, offsets), dict(first.next_offsets))
    assert again.tables["stories"] == 2 and table_rows(engine)["stories"] == 2
    # within one batch too
    doubled = story_records(stories, offsets)
    doubled["t.stories", 0] += [Record(offsets["t.stories"] + i, r.value, r.timestamp)
                                for i, r in enumerate(doubled["t.stories", 0])]
    store.write(doubled, dict(again.next_offsets))
    assert table_rows(engine)["stories"] == 2


def test_a_fenced_batch_writes_no_story_row(store, engine, seed_enriched):
    batch = story_records(story_copies(seed_enriched, 2), {})
    store.write(batch, {})
    with engine.begin() as connection:
        connection.execute(sa.delete(schema.stories))
    with pytest.raises(Fenced):
        store.write(batch, {})  # a zombie: believes the partition was never archived
    with pytest.raises(Fenced):
        store.write(batch, {("t.stories", 0): 0})  # an old offset
    assert table_rows(engine)["stories"] == 0


def test_a_bad_story_message_is_rejected_not_written(store, engine, seed_enriched):
    batch = story_records(story_copies(seed_enriched, 1), {})
    batch["t.stories", 0].append(Record(1, b'{"schema": "story/1", "event": "merged"}', 0))
    written = store.write(batch, {})
    assert written.rejected == [("t.stories", "schema")] and table_rows(engine)["stories"] == 1
