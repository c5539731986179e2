"""Search on SQLite: the same answers the API and the CLI give, and every parameter bounded."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from newsflow.archive import api, queries
from newsflow.core.entities.aliases import load
from tests.unit.archive.conftest import records


@pytest.fixture
def filled(store, engine, seed_enriched):
    store.write(records(seed_enriched, {}), {})
    return engine


def ask(engine, **params):
    with engine.connect() as connection:
        return queries.quotes(connection, queries.QuoteQuery.of(params), load())


def test_quotes_by_speaker_and_about_an_entity_named_by_an_alias(filled, seed_enriched):
    by_peskov = ask(filled, speaker="dmitry peskov")["quotes"]
    assert by_peskov and {q["speaker"]["name"] for q in by_peskov} == {"Dmitry Peskov"}
    about_kyiv = ask(filled, speaker="Dmitry Peskov", about="Kyiv")["quotes"]  # the body says Kiev
    assert about_kyiv and all("Kiev" in q["text"] for q in about_kyiv)
    assert len(about_kyiv) < len(by_peskov)


def test_about_is_an_entity_not_a_substring(filled):
    """"Russia" is inside "Russian" in a quote that mentions no Russia entity."""
    texts = [q["text"] for q in ask(filled, about="Russia", per_page="100")["quotes"]]
    substring = [q["text"] for q in ask(filled, per_page="100")["quotes"] if "Russia" in q["text"]]
    assert set(texts) < set(substring)


def test_full_text_stems_and_ignores_query_syntax(filled):
    assert ask(filled, q="negotiation")["quotes"]  # stemmed: the quotes say "negotiations"
    assert ask(filled, q='hurry" OR x*')["quotes"] == ask(filled, q="hurry x")["quotes"] == []


def test_pages_and_dates(filled):
    first, second = ask(filled, per_page="2"), ask(filled, per_page="2", page="2")
    assert first["has_more"] and not {q["text"] for q in first["quotes"]} & {q["text"] for q in second["quotes"]}
    assert ask(filled, **{"from": "2025-07-14", "to": "2025-07-14"})["quotes"]
    assert ask(filled, **{"from": "2025-07-15"})["quotes"] == []


@pytest.mark.parametrize("params", [
    {"per_page": "101"}, {"per_page": "0"}, {"page": "x"}, {"page": "500", "per_page": "100"},
    {"from": "2025-07-15", "to": "2025-07-14"}, {"from": "1800-01-01"}, {"from": "2001-01-01", "to": "2020-01-01"},
    {"speaker": "x" * 201}, {"q": " ".join(["w"] * 17)}, {"type": "shouted"}, {"colour": "red"},
])
def test_out_of_bounds_parameters_are_refused(params):
    with pytest.raises(queries.BadQuery):
        queries.QuoteQuery.of(params)


def test_entity_answer(filled):
    with filled.connect() as connection:
        ukraine = queries.entity(connection, "Ukraine", queries.Range(None, None), load())
        assert queries.entity(connection, "Atlantis", queries.Range(None, None), load()) is None
    assert ukraine["articles"] == 1 and ukraine["over_time"][0]["date"] == "2025-07-14"
    assert "Dmitry Peskov" in {row["speaker"] for row in ukraine["quoted_about"]}
    assert "Dmitry Peskov" in {row["name"] for row in ukraine["co_occurring"]}


async def test_http_api_answers_what_the_queries_do_and_400_out_of_bounds(filled, seed_enriched):
    client = TestClient(TestServer(api.make_app(api.Archive(filled, load()))))
    await client.start_server()
    try:
        answer = await (await client.get("/api/quotes", params={"speaker": "Dmitry Peskov"})).json()
        assert answer == ask(filled, speaker="Dmitry Peskov")
        bad = await client.get("/api/quotes", params={"per_page": "1000"})
        assert bad.status == 400 and "per_page" in (await bad.json())["error"]
        article = await (await client.get(f"/api/articles/{seed_enriched['id']}")).json()
        assert article["article"]["id"] == seed_enriched["id"] and len(article["revisions"]) == 1
        assert (await client.get("/api/articles/nope")).status == 404
        assert (await client.get("/api/entities/Ukraine")).status == 200
        spec = await (await client.get("/api/openapi.json")).json()
        assert set(spec["paths"]) >= {"/api/quotes", "/api/entities/{name}", "/api/articles/{id}"}
    finally:
        await client.close()
