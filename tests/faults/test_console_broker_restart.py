"""The broker stops and starts again under a console with pages connected: the same page,
without reconnecting, gets what is committed after the restart, and nothing it already had
comes again."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.console_support import articles, console_server, publish_enriched, read_events

DOWN_SECONDS = 5.0


async def test_the_live_feed_resumes_after_a_broker_restart(kafka, settings, tmp_path, seed_enriched, figures):
    async with console_server(settings, tmp_path) as console, aiohttp.ClientSession() as http:
        page = await http.get(console.make_url("/console/events"))
        await publish_enriched(settings, seed_enriched, ["before-restart"])
        await read_events(page, lambda e: "before-restart" in articles(e))
        await asyncio.to_thread(kafka.stop)
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(kafka.start)
        back = asyncio.get_running_loop().time()
        await publish_enriched(settings, seed_enriched, ["after-restart"])
        events = await read_events(page, lambda e: "after-restart" in articles(e), timeout=120)
        figures["seconds_to_first_event_after_restart"] = round(asyncio.get_running_loop().time() - back, 2)
        assert articles(events) == ["after-restart"]  # the same connection; nothing repeated
        page.close()
