"""The console's HTTP contract on an archive in SQLite (docs/console.md): recent cards,
filters, the entity's who-is-it, the security headers on every answer, and writes refused
unless an operator token is configured and given."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from newsflow.archive import api
from newsflow.config import Settings
from newsflow.console.routes import Console, install
from newsflow.core.entities.aliases import load
from tests.unit.archive.conftest import engine, records, store  # noqa: F401 - fixtures

UNREACHABLE = "127.0.0.1:9"  # the live feed retries in the background; these tests don't need it


@pytest.fixture
async def console_client(store, engine, seed_enriched, request):
    store.write(records(seed_enriched, {}), {})
    token = getattr(request, "param", "")
    settings = Settings(bootstrap=UNREACHABLE, console_workers="http://127.0.0.1:9", console_token=token)
    app = api.make_app(api.Archive(engine, load()))
    install(app, Console.of(settings))
    client = TestClient(TestServer(app))
    await client.start_server()
    yield client
    await client.close()


async def test_recent_cards_and_their_filters(console_client, seed_enriched):
    answer = await (await console_client.get("/api/console/recent")).json()
    assert [card["id"] for card in answer["articles"]] == [seed_enriched["id"]]
    assert answer["articles"][0]["quotes"] == len(seed_enriched["quotes"])
    for params, found in [({"speaker": "dmitry peskov"}, 1), ({"entity": "Kremlin"}, 1), ({"label": "PERSON"}, 1),
                          ({"speaker": "Nobody Atall"}, 0), ({"label": "WORK_OF_ART"}, 0)]:
        got = await (await console_client.get("/api/console/recent", params=params)).json()
        assert len(got["articles"]) == found, params
    bad = await console_client.get("/api/console/recent", params={"label": "<script>"})
    assert bad.status == 400 and "label" in (await bad.json())["error"]
    assert (await console_client.get("/api/console/recent", params={"limit": "100000"})).status == 400


async def test_the_entity_says_who_it_is(console_client):
    peskov = await (await console_client.get("/api/entities/Dmitry Peskov")).json()
    assert peskov["name"] == "Dmitry Peskov" and peskov["role"] == "Kremlin spokesman"
    assert "Peskov" in peskov["aliases"] or "Dmitry Peskov" in peskov["aliases"]
    assert sum(day["quotes"] for day in peskov["quotes_over_time"]) == peskov["quotes_by"] > 0


async def test_every_answer_carries_the_security_headers(console_client):
    for path in ("/api/console/recent", "/api/console/deadletters", "/api/quotes", "/healthz"):
        response = await console_client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "default-src 'self'" in policy, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_console_without_a_token_is_read_only(console_client):
    response = await console_client.post("/api/console/deadletters/0/0/replay",
                                         headers={"Authorization": "Bearer anything"})
    assert response.status == 403 and "read-only" in (await response.json())["error"]


@pytest.mark.parametrize("console_client", ["s3cret-operator"], indirect=True)
async def test_a_write_needs_the_operator_token(console_client):
    path = "/api/console/deadletters/0/0/replay"
    assert (await console_client.post(path)).status == 401
    assert (await console_client.post(path, headers={"Authorization": "Bearer wrong"})).status == 401
    known = await console_client.post(path, headers={"Authorization": "Bearer s3cret-operator"})
    assert known.status == 503  # the right token: let through, to a broker that is not there
