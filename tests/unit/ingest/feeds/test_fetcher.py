"""The fetcher's manners: User-Agent, robots.txt, timeouts, size limit, retries, spacing."""

from __future__ import annotations

import asyncio
import time

import pytest

from newsflow.ingest.feeds.fetcher import USER_AGENT, Fetcher, FetchError, Limits
from tests.unit.ingest.feeds.conftest import LOOPBACK



async def fetch(server, path: str, **limits):
    fetcher = Fetcher(Limits(**{"min_gap": 0, "backoff": 0.01, **limits}), LOOPBACK)
    try:
        return await fetcher.get(server.base + path, allow_private=True)
    finally:
        await fetcher.close()


async def test_requests_name_the_project_and_read_robots_first(server):
    response = await fetch(server, "/articles/grain.html")
    assert response.status == 200 and b"Black Sea" in response.body
    assert server.paths() == ["/robots.txt", "/articles/grain.html"]
    assert all(h["User-Agent"] == USER_AGENT and "newsflow" in USER_AGENT
               for _, h in server.requests)


async def test_robots_txt_is_respected(server):
    with pytest.raises(FetchError) as caught:
        await fetch(server, "/private/grain.html")
    assert caught.value.kind == "robots"
    assert "/private/grain.html" not in server.paths()


async def test_a_slow_answer_times_out(server):
    began = time.monotonic()
    with pytest.raises(FetchError) as caught:
        await fetch(server, "/articles/slow.html", timeout=0.3, attempts=1)
    assert caught.value.kind == "timeout" and time.monotonic() - began < 3


async def test_a_page_over_the_size_limit_is_refused(server):
    with pytest.raises(FetchError) as caught:
        await fetch(server, "/articles/huge.html", max_bytes=100_000)
    assert caught.value.kind == "too_large"
    assert server.paths().count("/articles/huge.html") == 1  # not retried


async def test_transient_failures_are_retried_with_backoff(server):
    response = await fetch(server, "/articles/flaky.html", attempts=3)
    assert response.status == 200
    assert server.paths().count("/articles/flaky.html") == 3


async def test_retries_give_up_after_the_last_attempt(server):
    with pytest.raises(FetchError) as caught:
        await fetch(server, "/articles/flaky.html", attempts=2)
    assert caught.value.kind == "status"
    assert server.paths().count("/articles/flaky.html") == 2


async def test_a_404_is_not_retried(server):
    with pytest.raises(FetchError):
        await fetch(server, "/articles/missing.html", attempts=3)
    assert server.paths().count("/articles/missing.html") == 1


async def test_requests_to_one_host_are_spaced_out(server):
    fetcher = Fetcher(Limits(min_gap=0.25), LOOPBACK)
    began = time.monotonic()
    try:
        for name in ("grain", "bridge", "harbour"):
            await fetcher.get(f"{server.base}/articles/{name}.html", allow_private=True)
    finally:
        await fetcher.close()
    # robots.txt and three pages: three gaps at least
    assert time.monotonic() - began >= 0.75


async def test_concurrent_requests_to_one_host_are_bounded(server):
    fetcher = Fetcher(Limits(min_gap=0, per_host=2), LOOPBACK)
    try:
        await asyncio.gather(*(fetcher.get(f"{server.base}/articles/pause.html?n={n}",
                                           allow_private=True)
                               for n in range(6)))
    finally:
        await fetcher.close()
    assert server.most_active == 2
