"""The pure enrichment library: article in, enriched article out. No Kafka here, and no
environment reads: what varies (the model, the alias table) is passed in.

Importing ``newsflow.core`` (or its article, parse, dates and model modules) loads no
spaCy: the Enricher and the extractors are imported when first used.
"""

from newsflow.core.article import Article, BadArticle

__all__ = ["Article", "BadArticle", "Enricher"]


def __getattr__(name: str):
    if name == "Enricher":  # spaCy and the model's libraries: only when enriching
        from newsflow.core.enrich import Enricher

        return Enricher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
