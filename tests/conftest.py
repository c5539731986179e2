"""Fixtures shared by the unit and integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow.core.article import Article
from newsflow.core.enrich import Enricher
from newsflow.core.parse import from_seed_text

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_310a264808ce774a.txt"


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return Enricher.load()


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return from_seed_text(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_enriched(enricher: Enricher, seed_article: Article) -> dict:
    return enricher.enrich(seed_article)
