"""A copy with the enrichment inputs of one enriched before gets that enrichment again
without the NLP, with its own id, url, source and times; other inputs are enriched."""

from __future__ import annotations

from dataclasses import replace

from newsflow.core.article import Article
from newsflow.core.enrich import Enricher
from newsflow.worker.reuse import KEY_BYTES, ReusingEnricher, fingerprint


class Counted:
    """The real enricher, recording which articles reach the NLP."""

    def __init__(self, enricher: Enricher):
        self.enricher, self.seen = enricher, []

    def enrich_batch(self, articles: list[Article]):
        self.seen += articles
        return self.enricher.enrich_batch(articles)


def copy_of(article: Article, n: int) -> Article:
    return replace(article, id=f"{n:016x}", url=f"https://outlet{n}.example/story",
                   source=f"Outlet {n}", published_at=f"{article.published}T0{n}:00:00+00:00",
                   author=f"Staff {n}")


def test_a_copy_gets_the_fresh_enrichment_of_its_body_without_the_nlp(enricher, seed_article):
    counted = Counted(enricher)
    reusing = ReusingEnricher(counted, max_entries=16, max_bytes=16 << 20)
    [first] = reusing.enrich_batch([seed_article])
    copy = copy_of(seed_article, 1)
    [reused] = reusing.enrich_batch([copy])
    assert counted.seen == [seed_article] and reusing.reused == 1
    fresh = enricher.enrich(copy)
    assert reused == fresh  # body-derived fields, offsets included, and its own fields
    assert reused["id"] == copy.id != first["id"] and reused["url"] == copy.url
    assert reused["author"] == "Staff 1" and "author" not in first
    assert reused["quotes"] and reused["quotes"] == first["quotes"]


def test_copies_in_one_batch_go_to_the_nlp_once(enricher, seed_article):
    counted = Counted(enricher)
    reusing = ReusingEnricher(counted, max_entries=16, max_bytes=16 << 20)
    copies = [copy_of(seed_article, n) for n in range(3)]
    results = reusing.enrich_batch(copies)
    assert counted.seen == copies[:1] and reusing.reused == 2
    assert [r["id"] for r in results] == [c.id for c in copies]
    assert results[2] == enricher.enrich(copies[2])


def test_a_new_headline_or_date_is_enriched_again(enricher, seed_article):
    """The title decides in_title and salience, the date the dates' years: no reuse."""
    counted = Counted(enricher)
    reusing = ReusingEnricher(counted, max_entries=16, max_bytes=16 << 20)
    headline = replace(seed_article, title="UPDATE 1-" + seed_article.title)
    dated = replace(seed_article, published="2001-01-01")
    reusing.enrich_batch([seed_article, headline, dated])
    assert counted.seen == [seed_article, headline, dated] and reusing.reused == 0


def test_the_cache_keeps_to_its_entries_and_bytes(enricher, seed_article):
    others = [replace(seed_article, body=seed_article.body + f" Line {n}.") for n in range(3)]
    few = ReusingEnricher(Counted(enricher), max_entries=2, max_bytes=16 << 20)
    few.enrich_batch(others)
    assert len(few.cached) == 2 and fingerprint(others[0]) not in few.cached  # the oldest went
    assert few.bytes == sum(len(v) for v in few.cached.values()) + 2 * KEY_BYTES
    small = ReusingEnricher(Counted(enricher), max_entries=16, max_bytes=1000)
    small.enrich_batch(others)  # each enrichment is larger than the whole budget
    assert not small.cached and small.bytes == 0


def test_no_entries_is_reuse_off(enricher, seed_article):
    counted = Counted(enricher)
    off = ReusingEnricher(counted, max_entries=0, max_bytes=16 << 20)
    copies = [copy_of(seed_article, n) for n in range(2)]
    off.enrich_batch(copies)
    off.enrich_batch(copies)
    assert counted.seen == copies * 2 and off.reused == 0 and not off.cached
