"""What the feed tests share: the fixture publisher on loopback, the allow-list that
lets the fetcher reach it (the fetch policy refuses loopback otherwise), and reading a
metric."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from newsflow.ingest.feeds.policy import AllowList
from tests.fixtures.feeds.server import FeedServer

LOOPBACK = AllowList.parse("127.0.0.1")  # the fixture publisher


def sample(name: str, **labels: str) -> float:
    """The sum of the series ``name`` that have ``labels`` (whatever their other labels,
    such as the feed)."""
    return sum(s.value for family in REGISTRY.collect() for s in family.samples
               if s.name == name and labels.items() <= s.labels.items())


@pytest.fixture
async def server():
    server = await FeedServer().start()
    yield server
    await server.stop()
