"""Article metadata: publish date, dateline, language, word count (first cut)."""

from __future__ import annotations

from spacy.tokens import Doc

from newsflow.core.article import Article


def describe(article: Article, doc: Doc) -> dict:
    return {
        "published": article.published,
        "dateline": None,
        "language": doc.lang_,
        "word_count": len(article.body.split()),
    }
