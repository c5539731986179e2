"""`newsflow ingest --dry-run`: the JSONL that would be published, for feeds and files."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import httpx
import orjson
import pytest

from newsflow.local.broker import free_port
from newsflow.ingest.feeds.memory import FeedMemory
from newsflow.topics import validate
from tests.conftest import SEED
from tests.fixtures.feeds.server import FeedServer


@pytest.fixture
def env(tmp_path):
    """No broker listens here: a dry run must not need one. The fixture publisher is on
    127.0.0.1, which the fetch policy refuses unless allowed."""
    return {"NEWSFLOW_DATA_DIR": str(tmp_path), "NEWSFLOW_BOOTSTRAP": f"127.0.0.1:{free_port()}",
            "NEWSFLOW_FETCH_ALLOW": "127.0.0.1", "PATH": "/usr/bin:/bin"}


async def newsflow(env, *args) -> tuple[int, bytes, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsflow.cli", *args, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out, err.decode()


async def test_dry_run_on_a_feed_prints_its_articles_and_marks_nothing(env, tmp_path):
    server = await FeedServer().start()
    try:
        code, out, err = await newsflow(env, "ingest", "--dry-run", "--once",
                                        "--feed", server.feed_url("rss.xml"))
    finally:
        await server.stop()
    assert code == 0, err
    messages = [orjson.loads(line) for line in out.splitlines()]
    assert [m["extraction"] for m in messages] == ["page", "page", "feed-summary"]
    # the feed's own date keeps its time of day beside the day
    assert (messages[2]["published"], messages[2]["published_at"]) == (
        "2025-07-16", "2025-07-16T12:00:00+00:00")
    for message in messages:
        validate(message)
    assert "would publish 3 feed article(s)" in err
    store = FeedMemory(str(tmp_path))
    assert store.is_new(messages[0]["url"], "Mon, 14 Jul 2025 09:30:00 GMT")
    assert store.validators(server.feed_url("rss.xml")) == (None, None)
    store.close()


async def test_a_running_poller_serves_metrics_per_feed_and_logs_each_poll(env):
    server = await FeedServer().start()
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsflow.cli", "ingest", "--dry-run", "--interval", "1s",
        "--feed", server.feed_url("rss.xml"),
        env={**env, "NEWSFLOW_INGEST_METRICS_PORT": str(port)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    feed = urlsplit(server.base).netloc
    try:
        polls = []
        async with asyncio.timeout(60):
            while len(polls) < 2:  # one line per poll
                line = (await process.stderr.readline()).decode()
                assert line, "the poller stopped"
                if line.startswith(f"newsflow ingest: feed {feed}: "):
                    polls.append(line)
        async with httpx.AsyncClient() as http:
            text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    finally:
        process.terminate()
        await process.wait()
        await server.stop()
    assert re.match(r"newsflow ingest: feed \S+: 3 new, 0 seen, 1 failed in \d+\.\d\ds", polls[0])
    assert f'newsflow_feed_poll_seconds_count{{feed="{feed}"}} ' in text
    assert f'newsflow_feed_items_seen_total{{feed="{feed}"}} ' in text
    assert f'newsflow_feed_fetch_errors_total{{feed="{feed}",kind="status"}} ' in text


async def test_a_taken_metrics_port_is_one_line_and_exit_3(env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = await newsflow(env, "ingest", "--dry-run", "--feed",
                                        "http://127.0.0.1:1/f", "--ingest-metrics-port", str(port))
    assert code == 3 and out == b""
    [line] = err.splitlines()
    assert line.startswith(f"newsflow ingest: cannot listen on 127.0.0.1:{port} for /metrics")


async def test_dry_run_on_files_prints_the_raw_messages(env):
    code, out, err = await newsflow(env, "ingest", "--dry-run", str(SEED))
    assert code == 0, err
    [message] = [orjson.loads(line) for line in out.splitlines()]
    validate(message)
    assert message["published"] == "2025-07-14" and "extraction" not in message
    assert "would publish 1 article(s)" in err


async def test_paths_and_feeds_do_not_mix(env):
    code, _, err = await newsflow(env, "ingest", str(SEED), "--feed", "http://127.0.0.1:1/f")
    assert code != 0 and "not both" in err
