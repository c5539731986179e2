"""`newsflow ingest --feed ... --once --dry-run` on a good feed polled with hostile ones.

The command must end by itself, with status 0 and no traceback, print the good feed's
items, report each hostile feed or item on a line of stderr, and never reach the secret
service on 127.0.0.1. Only 127.0.0.2, where the publishers are, is allow-listed.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import orjson
import pytest

from newsflow.ingest.feeds.policy import REFUSED
from newsflow.local.broker import free_port
from tests.fixtures.feeds.hostile import (SECRET_TEXT, TRICKLE_SECONDS, HostileServer,
                                          SecretServer, billion_laughs, local_path_feed, rss)
from tests.fixtures.feeds.server import FeedServer

# roomy enough that a redirect loop is told apart from a deadline on a loaded machine
FETCH_DEADLINE, POLL_DEADLINE = 5, 15
# Well under the trickles' TRICKLE_SECONDS: a run that waits for them fails
RUN_LIMIT = 60
assert RUN_LIMIT < TRICKLE_SECONDS


@pytest.fixture(scope="module")
async def run(tmp_path_factory):
    """The command on the good feed and one publisher (own host:port) per hostile case;
    (exit status, stdout lines as JSON, stderr, the secret service)."""
    secret = await SecretServer().start()
    good = await FeedServer().start(host="127.0.0.2")
    servers = []

    async def publisher(feed: bytes | None = None) -> HostileServer:
        server = await HostileServer().start()
        if feed is not None:
            server.feeds["feed.xml"] = feed
        servers.append(server)
        return server

    async def item_linking(path_or_url: str) -> str:
        server = await publisher()
        link = path_or_url if "://" in path_or_url else server.url(path_or_url)
        server.feeds["feed.xml"] = rss((link, f"Summary of the item linking to {link}."))
        return server.url("/feeds/feed.xml")

    feeds = [good.feed_url("rss.xml")]
    for link in (f"{secret.base}/secret", f"/redirect?to={secret.base}/secret",
                 f"http://localhost:{secret.port}/secret", f"http://2130706433:{secret.port}/",
                 f"http://[::ffff:127.0.0.1]:{secret.port}/", "file:///etc/passwd",
                 "/loop", "/bad-gzip", "/bomb", "http://127.0.0.2:99999/story", "/trickle"):
        feeds.append(await item_linking(link))
    for path in ("/feeds/loop.xml", "/feeds/bad-gzip.xml", "/feeds/trickle.xml"):
        feeds.append((await publisher()).url(path))
    for body in (billion_laughs(), local_path_feed(), b"\x00\xff binary" * 1000):
        feeds.append((await publisher(body)).url("/feeds/feed.xml"))
    env = {"NEWSFLOW_DATA_DIR": str(tmp_path_factory.mktemp("data")),
           "NEWSFLOW_BOOTSTRAP": f"127.0.0.1:{free_port()}",
           "NEWSFLOW_FETCH_ALLOW": "127.0.0.2/32", "PATH": "/usr/bin:/bin",
           "NEWSFLOW_FETCH_DEADLINE_SECONDS": str(FETCH_DEADLINE),
           "NEWSFLOW_POLL_DEADLINE_SECONDS": str(POLL_DEADLINE)}
    args = [arg for url in feeds for arg in ("--feed", url)]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsflow.cli", "ingest", "--once", "--dry-run", *args, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), RUN_LIMIT)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"newsflow ingest --once still running after {RUN_LIMIT}s")
    finally:
        for server in (secret, good, *servers):
            await server.stop()
    yield (process.returncode, [orjson.loads(line) for line in out.splitlines()],
           err.decode(), secret, good)


async def test_hostile_feeds_neither_crash_the_poller_nor_cost_the_good_feed_its_items(run):
    code, messages, err, secret, good = run
    assert code == 0 and "Traceback" not in err, err
    urls = {m["url"] for m in messages}
    assert {f"{good.base}/articles/peace-talks.html", f"{good.base}/articles/harbour.html",
            f"{good.base}/articles/missing.html"} <= urls
    for kind in ("refused", "redirects", "decoding", "too_large", "bad_url", "malformed"):
        assert f": {kind}: " in err, (kind, err)
    assert ": timeout: " in err or ": deadline: " in err
    assert err.count("\n") >= 15  # a line per hostile feed or item


async def test_nothing_reaches_the_secret_service_and_nothing_of_it_is_published(run):
    code, messages, err, secret, _ = run
    assert secret.requests == []
    assert all(SECRET_TEXT[:40] not in m["body"] for m in messages)
    assert err.count(REFUSED) >= 5


async def test_hostile_items_are_published_with_their_feed_summary(run):
    _, messages, _, _, good = run
    hostile = [m for m in messages if not (m.get("url") or "").startswith(good.base)]
    assert len(hostile) == 11  # every item-level case: nothing lost
    assert {m["extraction"] for m in hostile} == {"feed-summary"}
