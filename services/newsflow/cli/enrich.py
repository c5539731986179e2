"""`newsflow enrich`: the pure core offline, articles in, enriched JSONL out."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice

import orjson

from newsflow.config import Settings
from newsflow.core.article import Article, BadArticle
from newsflow.core.enrich import Enricher
from newsflow.ingest.files import Rejected, read_articles


def run(settings: Settings, paths: list[str]) -> int:
    """Enrich every readable article to stdout; report each bad one on stderr. Exit 1 if any."""
    enricher = Enricher.load(settings.model, batch_size=settings.batch_size)
    failures = 0

    def report(where: str, error: BadArticle) -> None:
        nonlocal failures
        failures += 1
        print(f"newsflow enrich: {where}: {error}", file=sys.stderr)

    def good_articles() -> Iterator[Article]:
        for item in read_articles(paths, settings.max_bytes):
            if isinstance(item, Rejected):
                report(item.origin, item.error)
            else:
                yield item

    out = sys.stdout.buffer
    articles = good_articles()
    while batch := list(islice(articles, enricher.batch_size)):
        for article, result in zip(batch, enricher.enrich_batch(batch)):
            if isinstance(result, BadArticle):
                report(f"article {article.id}", result)
            else:
                # the caller's own id comes back as "id" (the scorer's contract): nothing is
                # deduplicated here, so it cannot suppress another article
                out.write(orjson.dumps({**result, "id": article.source_id or article.id}) + b"\n")
        out.flush()
    return 1 if failures else 0
