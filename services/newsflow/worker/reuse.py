"""Copies cost little: an article whose enrichment inputs (title, body, published day)
are those of one this process enriched lately gets that enrichment again, without the NLP.

What the enrichment reads is the body, the title (an entity's ``in_title`` and salience)
and the published day (the dateline's year, dates in the text); a copy identical in all
three gets the same body-derived fields, offsets included, since they index the same body.
Its own id, url, source, published_at and the rest stay its own. The body is compared as
sent: normalising it (whitespace, Unicode form) would move the offsets. A copy with a new
headline, or one enriched by another worker or after the enrichment process was replaced,
is enriched again.

The cache is an LRU held to ``max_entries`` and ``max_bytes`` (each enrichment is kept as
its JSON, whose length is what it costs, and decoded anew for each copy).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import fields

import orjson

from newsflow.core.article import Article, BadArticle
from newsflow.core.enrich import Enricher

# The article's own fields a copy keeps; title, body and published are the key's, the same.
OWN_FIELDS = frozenset(f.name for f in fields(Article)) - {"title", "body", "published"}
KEY_BYTES = 100  # a key's 32 hex characters in a str, and the dict slot, counted per entry


def fingerprint(article: Article) -> str:
    """What the enrichment of ``article`` depends on, hashed."""
    basis = orjson.dumps([article.title, article.body, article.published])
    return hashlib.blake2b(basis, digest_size=16).hexdigest()


class ReusingEnricher:
    """An Enricher's enrich_batch that enriches each distinct input once while it is
    cached; ``reused`` counts the copies served from the cache."""

    def __init__(self, enricher: Enricher, max_entries: int, max_bytes: int):
        self.enricher = enricher
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.cached: OrderedDict[str, bytes] = OrderedDict()
        self.bytes = 0
        self.reused = 0

    def enrich_batch(self, articles: list[Article]) -> list[dict | BadArticle]:
        """One result per article, in order, as Enricher.enrich_batch gives them; each
        distinct input enriched once (a copy later in the same batch included); with no
        entries allowed, reuse is off: every article is enriched."""
        if self.max_entries <= 0:
            return self.enricher.enrich_batch(articles)
        keys = [fingerprint(a) for a in articles]
        fresh: dict[str, Article] = {}
        for key, article in zip(keys, articles):
            if key not in self.cached and key not in fresh:
                fresh[key] = article
        enriched = dict(zip(fresh, self.enricher.enrich_batch(list(fresh.values()))))
        results: list[dict | BadArticle] = []
        for key, article in zip(keys, articles):
            made = enriched.get(key)
            if made is None:  # enriched before: the cache's
                self.cached.move_to_end(key)
                results.append(self._copy(self.cached[key], article))
            elif fresh[key] is article:
                results.append(made)
                if not isinstance(made, BadArticle):
                    self._keep(key, made)
            elif isinstance(made, BadArticle):
                results.append(made)  # the same input fails the same way
            else:  # a copy of one earlier in this batch
                results.append(self._copy(orjson.dumps(made), article))
        return results

    def _copy(self, encoded: bytes, article: Article) -> dict:
        """The enrichment ``encoded`` (a copy's) with ``article``'s own fields."""
        self.reused += 1
        derived = {k: v for k, v in orjson.loads(encoded).items() if k not in OWN_FIELDS}
        return {**article.to_dict(), **derived}

    def _keep(self, key: str, enriched: dict) -> None:
        encoded = orjson.dumps(enriched)
        cost = len(encoded) + KEY_BYTES
        if cost > self.max_bytes:
            return
        self.cached[key] = encoded
        self.bytes += cost
        while len(self.cached) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self.cached.popitem(last=False)
            self.bytes -= len(dropped) + KEY_BYTES
