"""The errors the core raises besides :class:`~newsflow.core.article.BadArticle` (one
article's fault): a setup the enrichment cannot run with, told once at start-up."""


class ModelError(RuntimeError):
    """The spaCy model is not installed, or lacks a component the extractors need."""


class AliasTableError(ValueError):
    """An alias table cannot be read, or is not of the table's shape."""
