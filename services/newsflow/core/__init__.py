"""The pure enrichment library: article in, enriched article out. No Kafka here."""

from newsflow.core.article import Article, BadArticle
from newsflow.core.enrich import Enricher

__all__ = ["Article", "BadArticle", "Enricher"]
