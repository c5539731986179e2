"""The console's figures, on a real stack (broker, worker, `archive --serve`) and a real
headless Chromium: what the issue asks to measure, printed, not asserted.

1. commit -> browser: an open stream page records Date.now() as each live card is drawn
   against the card's committed_at (the enriched record's timestamp); p50/p99 over
   --articles articles ingested at --rate per second through the worker;
2. the console process's RSS before and with --clients SSE clients (aiohttp) connected,
   and after they all read the same articles (how many events each got);
3. the first load's weight: bytes on the wire for /, its JS/CSS/icon (and the JSON it
   fetched), from Chrome's performance log, against the 300 kB goal;
4. every request of a visit to all six pages (each loaded afresh), and whether any left
   127.0.0.1 (the page's own requests; the SharedWorker's one, /console/events, is not in
   the page's log, and the CSP's connect-src 'self' holds it to the origin anyway).

Usage: python bench/console/measure.py [--articles 200] [--rate 5] [--clients 100]
Progress on stderr; the figures on stdout, the last line all of them as one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the browser tests' stack and browser (tests/browser)

import aiohttp  # noqa: E402

from newsflow.local.broker import LocalKafka  # noqa: E402
from newsflow.local.progress import say  # noqa: E402
from tests.browser.conftest import chrome  # noqa: E402
from tests.browser.stack import Stack, unique_article  # noqa: E402

PAGES = ["/", "/article/{seed}", "/entity/Dmitry Peskov", "/trending", "/deadletters", "/health"]
STATIC_TYPES = ("text/html", "text/javascript", "application/javascript", "text/css", "image/svg+xml")
WEIGHT_GOAL = 300 * 1024


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def wait_for(browser, script: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(script)


def network(browser) -> list[dict]:
    """Chrome's Network.* events since the last call."""
    return [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]


def first_load(browser, url: str) -> dict:
    """Bytes on the wire of a cold first load of the console, by kind."""
    network(browser)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    browser.get(url + "/#/")
    wait_for(browser, "return document.getElementById('live-status').dataset.state === 'open'")
    time.sleep(2)
    types, sizes = {}, {}
    for event in network(browser):
        params = event.get("params", {})
        if event["method"] == "Network.responseReceived":
            types[params["requestId"]] = (params["response"]["url"], params["response"].get("mimeType", ""))
        elif event["method"] == "Network.loadingFinished":
            sizes[params["requestId"]] = params["encodedDataLength"]
    static = {types[r][0]: n for r, n in sizes.items() if r in types and types[r][1].startswith(STATIC_TYPES)}
    data = sum(n for r, n in sizes.items() if r in types and types[r][1] == "application/json")
    return {"static_bytes": sum(static.values()), "static_files": len(static), "json_bytes": data,
            "within_goal": sum(static.values()) + data <= WEIGHT_GOAL}


def visit_all(browser, url: str, seed: str) -> dict:
    """Every request a tour of the six pages makes, and those not to 127.0.0.1."""
    network(browser)
    for page in PAGES:
        browser.get("about:blank")  # each page a load of its own, not a hash change
        browser.get(f"{url}/#{page.format(seed=seed)}")
        time.sleep(1.5)
    urls = [e["params"]["request"]["url"] for e in network(browser) if e["method"] == "Network.requestWillBeSent"]
    outside = sorted({u for u in urls if urlsplit(u).hostname not in ("127.0.0.1",) and not u.startswith("data:")})
    return {"requests": len(urls), "outside_127_0_0_1": outside}


async def sse_clients(url: str, count: int, connected: asyncio.Event, stop: asyncio.Event) -> list[int]:
    """``count`` pages' worth of /console/events readers; the article events each got."""
    got = [0] * count
    ready = 0

    async def reader(session: aiohttp.ClientSession, index: int) -> None:
        nonlocal ready
        async with session.get(url + "/console/events") as response:
            ready += 1
            if ready == count:
                connected.set()
            async for line in response.content:
                if line.startswith(b"event: article"):
                    got[index] += 1
                if stop.is_set():
                    return

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None)) as session:
        tasks = [asyncio.create_task(reader(session, i)) for i in range(count)]
        await stop.wait()
        await asyncio.sleep(1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="articles per second offered")
    parser.add_argument("--clients", type=int, default=100, help="SSE clients besides the browser")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newsflow-console-measure-"))
    profile = tempfile.mkdtemp(prefix="newsflow-chromium-")
    figures: dict = {"articles": args.articles, "rate": args.rate, "clients": args.clients}
    say("starting a broker, a worker and the console")
    with LocalKafka(folder / "kafka") as broker:
        stack = Stack(broker, folder).start()
        browser = chrome(profile)
        try:
            seed = stack.ingest_seed()
            stack.archived(seed)
            pid = stack.console.process.pid
            figures["first_load"] = first_load(browser, stack.url)
            figures["network"] = visit_all(browser, stack.url, seed)
            browser.get(stack.url + "/#/")
            wait_for(browser, "return document.getElementById('live-status').dataset.state === 'open'")
            figures["rss_mib_before"] = round(rss_mib(pid), 1)
            say(f"console RSS {figures['rss_mib_before']} MiB; connecting {args.clients} SSE clients")

            async def run() -> list[int]:
                connected, stop = asyncio.Event(), asyncio.Event()
                readers = asyncio.create_task(sse_clients(stack.url, args.clients, connected, stop))
                await asyncio.wait_for(connected.wait(), 60)
                await asyncio.sleep(3)
                figures["rss_mib_connected"] = round(rss_mib(pid), 1)
                say(f"console RSS {figures['rss_mib_connected']} MiB with them; "
                    f"ingesting {args.articles} articles at {args.rate}/s")
                values, keys, _ = stack.raw(*(unique_article("Measured") for _ in range(args.articles)))
                await stack.send_raw_paced(values, keys, args.rate)
                await asyncio.to_thread(wait_for, browser,
                                        f"return window.newsflowLatencies.length >= {args.articles}", 300)
                await asyncio.sleep(2)
                figures["rss_mib_after"] = round(rss_mib(pid), 1)
                stop.set()
                return await readers

            got = asyncio.run(run())
            latencies = browser.execute_script("return window.newsflowLatencies")
            figures["commit_to_browser_seconds"] = {
                "n": len(latencies), "p50": round(statistics.median(latencies), 3),
                "p99": round(percentile(latencies, 0.99), 3), "max": round(max(latencies), 3)}
            figures["sse_clients_events"] = {"min": min(got), "max": max(got)}
        finally:
            browser.quit()
            stack.stop()
            shutil.rmtree(profile, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
