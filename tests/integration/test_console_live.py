"""The console's live events against the real broker: what a transaction commits on the
enriched topic reaches every connected page, what it aborts reaches none, dead letters are
listed with their reason, and a new page is told `hello` first (docs/console.md)."""

from __future__ import annotations

import base64

import aiohttp
import orjson
import pytest

from newsflow.kafka.clients import producer, started
from newsflow.topics.registry import DEAD_LETTER
from tests.console_support import articles, console_server, publish_enriched, read_events

PAGES = 20


@pytest.fixture
async def console(settings, tmp_path):
    async with console_server(settings, tmp_path) as server:
        yield server


async def test_committed_articles_reach_every_page_and_aborted_ones_none(settings, console, seed_enriched):
    async with aiohttp.ClientSession() as http:
        pages = [await http.get(console.make_url("/console/events")) for _ in range(PAGES)]
        for page in pages:
            assert page.headers["Content-Type"].startswith("text/event-stream")
            assert (await read_events(page, lambda e: e))[0]["event"] == "hello"
        await publish_enriched(settings, seed_enriched, ["aborted-article", "committed-article"],
                               commits=[False, True])
        for page in pages:
            events = await read_events(page, lambda e: "committed-article" in articles(e))
            assert articles(events) == ["committed-article"]
            card = next(e for e in events if e["event"] == "article")
            assert {"name": "Dmitry Peskov", "role": "Kremlin spokesman"} in card["speakers"]
            assert card["committed_at"] > 0 and card["offset"] >= 0
            page.close()


async def test_dead_letters_are_listed_with_their_reason(settings, console):
    letter = {"schema": "dead_letter/1", "reason": "malformed_json", "detail": "bad <b>json</b>",
              "stage": "worker", "article_id": None, "size": 9, "sha256": "0" * 64,
              "source": {"topic": "t.raw", "partition": 0, "offset": 7},
              "payload_b64": "PHNjcmlwdD4=", "preview": "<script>"}
    async with aiohttp.ClientSession() as http:
        page = await http.get(console.make_url("/console/events"))
        sender = await started(producer(settings), settings)
        try:
            await sender.send_and_wait(DEAD_LETTER.name(settings.topic_prefix), orjson.dumps(letter))
        finally:
            await sender.stop()
        events = await read_events(page, lambda e: any(x["event"] == "deadletter" for x in e))
        shown = next(e for e in events if e["event"] == "deadletter")
        assert shown["reason"] == "malformed_json" and shown["preview"] == "<script>"
        listed = await (await http.get(console.make_url("/api/console/deadletters"))).json()
        assert listed["counts"]["malformed_json"] >= 1
        assert listed["letters"][0]["source"] == {"topic": "t.raw", "partition": 0, "offset": 7}
        page.close()


async def test_an_operator_replays_a_dead_letter_to_the_raw_topic(settings, tmp_path):
    from newsflow.kafka.reader import read_topic
    from newsflow.topics.registry import RAW

    original = b'{"title": "Back", "body": "It works now."}'
    letter = {"schema": "dead_letter/1", "reason": "enrichment_timeout", "detail": "", "stage": "worker",
              "article_id": "feedfacefeedface", "size": len(original), "sha256": "0" * 64,
              "source": {"topic": "t.raw", "partition": 0, "offset": 1},
              "payload_b64": base64.b64encode(original).decode(), "preview": ""}
    sender = await started(producer(settings), settings)
    try:
        sent = await sender.send_and_wait(DEAD_LETTER.name(settings.topic_prefix), orjson.dumps(letter),
                                          key=b"feedfacefeedface")
    finally:
        await sender.stop()
    async with console_server(settings.override(console_token="op-token"), tmp_path) as console, \
            aiohttp.ClientSession() as http:
        path = f"/api/console/deadletters/{sent.partition}/{sent.offset}/replay"
        assert (await http.post(console.make_url(path))).status == 401
        answer = await http.post(console.make_url(path), headers={"Authorization": "Bearer op-token"})
        assert answer.status == 202 and (await answer.json()) == {"replayed": "feedfacefeedface"}, await answer.text()
        absent = f"/api/console/deadletters/{sent.partition}/{sent.offset + 1000}/replay"
        assert (await http.post(console.make_url(absent), headers={"Authorization": "Bearer op-token"})).status == 404
    raw = [r async for r in read_topic(settings, RAW.name(settings.topic_prefix))]
    assert [(r.key, r.value) for r in raw if r.key == b"feedfacefeedface"] == [(b"feedfacefeedface", original)]
