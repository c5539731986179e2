"""Story events into the archive: one row per (story, article), in the same fenced
transaction as the rest; a repeated announcement does not double a row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from newsflow.archive import api, queries, schema
from newsflow.cli import search
from newsflow.core.entities.aliases import load
from newsflow.archive.observe import table_rows
from newsflow.archive.store import Fenced
from tests.unit.archive.conftest import Record, records, story_copies, story_records


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


@pytest.fixture
def story_archive(store, engine, seed_enriched):
    """The seed founding a story with two copies: all three articles and their events."""
    offsets: dict[str, int] = {}
    stories = story_copies(seed_enriched, 3)
    expected: dict = {}
    for article in stories:
        expected.update(store.write(records(article, offsets), expected).next_offsets)
    store.write(story_records(stories, offsets), expected)
    return engine


def test_an_article_answers_with_its_story_and_the_other_copies(story_archive, seed_enriched):
    with story_archive.connect() as connection:
        answer = queries.article(connection, seed_enriched["id"] + "-copy2")
    assert answer["story"]["id"] == seed_enriched["id"] and answer["story"]["copies"] == 3
    assert [(o["article_id"], o["outlet"]) for o in answer["story"]["others"]] == [
        (seed_enriched["id"], "outlet 1"), (seed_enriched["id"] + "-copy3", "outlet 3")]


def test_a_story_lists_its_founder_copies_in_order_and_outlets(story_archive, seed_enriched):
    with story_archive.connect() as connection:
        answer = queries.story(connection, seed_enriched["id"])
        assert queries.story(connection, "nope") is None
    assert answer["founder"]["article_id"] == seed_enriched["id"] and answer["count"] == 3
    assert [c["copies"] for c in answer["copies"]] == [2, 3]
    assert answer["outlets"] == ["outlet 1", "outlet 2", "outlet 3"]
    assert not answer["truncated"]


def test_quotes_of_a_story(story_archive, seed_enriched):
    with story_archive.connect() as connection:
        found = queries.quotes(connection, queries.QuoteQuery.of(
            {"story": seed_enriched["id"], "per_page": "100"}), load())
        none = queries.quotes(connection, queries.QuoteQuery.of({"story": "nope"}), load())
    assert {q["article_id"] for q in found["quotes"]} == {
        seed_enriched["id"], seed_enriched["id"] + "-copy2", seed_enriched["id"] + "-copy3"}
    assert none["quotes"] == []


async def test_http_story_and_its_bounds(story_archive, seed_enriched):
    client = TestClient(TestServer(api.make_app(api.Archive(story_archive, load()))))
    await client.start_server()
    try:
        answer = await (await client.get(f"/api/stories/{seed_enriched['id']}")).json()
        with story_archive.connect() as connection:
            assert answer == queries.story(connection, seed_enriched["id"])
        assert (await client.get("/api/stories/nope")).status == 404
        assert (await client.get("/api/stories/" + "x" * 65)).status == 400
        assert (await client.get("/api/quotes", params={"story": "x" * 65})).status == 400
        spec = await (await client.get("/api/openapi.json")).json()
        assert "/api/stories/{id}" in spec["paths"]
        assert "story" in {p["name"] for p in spec["paths"]["/api/quotes"]["get"]["parameters"]}
    finally:
        await client.close()


def test_the_cli_shows_a_story_and_an_articles_story(story_archive, seed_enriched):
    with story_archive.connect() as connection:
        answer = queries.story(connection, seed_enriched["id"])
        article = queries.article(connection, seed_enriched["id"])
    assert "outlet 2  https://outlet2.example/story" in search.article_table(article)
    shown = search.story_table(answer)
    assert "3 copies" in shown and "outlet 3" in shown and shown.count("\n") == 5


def test_a_story_id_too_long_is_rejected(store, engine, seed_enriched):
    long = {**story_copies(seed_enriched, 1)[0], "story": {"id": "x" * 65, "copies": 2}}
    written = store.write(story_records([long], {}), {})
    assert written.rejected == [("t.stories", "too_long")] and table_rows(engine)["stories"] == 0
