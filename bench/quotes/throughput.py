"""Throughput of the enricher on a PolNeAR split with and without quote extraction, and of
plain spaCy over the same texts, in articles/s (model loading excluded; one warm-up pass).

Usage: python bench/quotes/throughput.py /work/shared/data/polnear/dev
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from unittest import mock

from newsflow.core import quotes
from newsflow.core.article import Article
from newsflow.core.enrich import Enricher


def _rate(run, n: int) -> float:
    start = time.perf_counter()
    run()
    return n / (time.perf_counter() - start)


def main(corpus: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "text").glob("*.txt"))]
    articles = [Article(id=str(i), title="", body=t) for i, t in enumerate(texts)]
    enricher = Enricher.load()
    enricher.enrich_batch(articles[:4])
    plain = _rate(lambda: list(enricher.nlp.pipe(texts, batch_size=16)), len(texts))
    full = _rate(lambda: enricher.enrich_batch(articles), len(texts))
    with mock.patch.object(quotes, "extract_quotes", lambda doc: []):
        without = _rate(lambda: enricher.enrich_batch(articles), len(texts))
    docs = list(enricher.nlp.pipe(texts, batch_size=16))
    alone = _rate(lambda: [quotes.extract_quotes(d) for d in docs], len(texts))
    print(f"spaCy pipeline only      {plain:8.1f} articles/s")
    print(f"enrich without quotes    {without:8.1f} articles/s")
    print(f"enrich with quotes       {full:8.1f} articles/s")
    print(f"extract_quotes alone     {alone:8.1f} articles/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a PolNeAR split (text/ and annotations)")
    args = parser.parse_args()
    main(args.corpus)
