"""`newsflow enrich [PATH... | -]`: the pure core offline, articles in (no path: JSONL on
stdin), enriched JSONL out; the contract of shared/eval/score_quotes.py. Each bad article
is reported on stderr; exit status 1 if any."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice

from newsflow.cli import options
from newsflow.config import Settings
from newsflow.logs import console

HELP = "enrich offline: articles in, enriched JSONL on stdout"


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; none: JSONL on stdin")
    parser.add_argument("--model", help="spaCy model package (NEWSFLOW_MODEL)")
    options.max_bytes(parser)


def run(settings: Settings, args) -> int:
    """Enrich every readable article to stdout; report each bad one on stderr."""
    import orjson

    from newsflow.core.article import Article, BadArticle
    from newsflow.core.enrich import Enricher
    from newsflow.ingest.files import Rejected, read_articles

    paths = args.paths
    enricher = Enricher.load(settings.model, batch_size=settings.batch_size,
                             aliases=settings.aliases or None)
    failures = 0

    def report(where: str, error: BadArticle) -> None:
        nonlocal failures
        failures += 1
        console.warning(f"newsflow enrich: {where}: {error}")

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
