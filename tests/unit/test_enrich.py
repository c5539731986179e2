"""How the enricher feeds spaCy: a caller's batch cut into runs bounded by characters."""

from __future__ import annotations

from newsflow.core.enrich import _runs
from newsflow.core.parse import from_mapping


def article(chars: int, n: int):
    return from_mapping({"title": f"t{n}", "body": "x" * chars})


def test_runs_keep_order_and_stay_under_the_character_bound():
    articles = [article(size, n) for n, size in enumerate([30, 30, 30, 100, 10, 50, 50])]
    runs = _runs(articles, 60)
    assert [a for run in runs for a in run] == articles
    assert [[len(a.body) for a in run] for run in runs] == [[30, 30], [30], [100], [10, 50], [50]]
