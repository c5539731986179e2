"""What the feed tests share: the fixture publisher on loopback, and the allow-list that
lets the fetcher reach it (the fetch policy refuses loopback otherwise)."""

from __future__ import annotations

import pytest

from newsflow.ingest.feeds.policy import AllowList
from tests.fixtures.feeds.server import FeedServer

LOOPBACK = AllowList.parse("127.0.0.1")  # the fixture publisher


@pytest.fixture
async def server():
    server = await FeedServer().start()
    yield server
    await server.stop()
