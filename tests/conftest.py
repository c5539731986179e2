"""Fixtures shared by the unit and integration tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow.core.article import Article
from newsflow.core.enrich import Enricher
from newsflow.core.parse import from_seed_text
from newsflow.local.broker import LocalKafka

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_310a264808ce774a.txt"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.session.newsflow_failed = True
    return report


def session_failed(request) -> bool:
    """Whether a test of this session has failed so far: then logs are kept."""
    return getattr(request.session, "newsflow_failed", False)


def running_broker(folder: Path, request, launch=LocalKafka,
                   logs: str = "{folder}/kafka.log") -> Iterator[LocalKafka]:
    """A fixture's body: a local Kafka (``launch(folder)``: one node, or a LocalCluster) in
    ``folder``, stopped after; its folder removed, or its logs kept and named if a test
    failed."""
    broker = launch(folder).start()
    yield broker
    broker.stop()
    if session_failed(request):
        print(f"\nKafka logs kept in {logs.format(folder=folder)}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return Enricher.load()


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return from_seed_text(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_enriched(enricher: Enricher, seed_article: Article) -> dict:
    return enricher.enrich(seed_article)


@pytest.fixture(scope="session")
def postgres(request):
    """A real PostgreSQL server of the session's own (initdb, pg_ctl, free port, temp dir;
    as nobody when root); its log kept if a test failed."""
    from newsflow.local.postgres import LocalPostgres

    server = LocalPostgres().start()
    yield server
    server.stop(keep=session_failed(request))
    if session_failed(request):
        print(f"\nPostgreSQL log kept in {server.log_path}")
