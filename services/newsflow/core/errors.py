"""The errors the core raises besides :class:`~newsflow.core.article.BadArticle` (one
article's fault): a setup the enrichment cannot run with, told once at start-up. Both are
:class:`~newsflow.errors.ConfigError` (a setting that cannot work: NEWSFLOW_MODEL,
NEWSFLOW_ALIASES), and stay the RuntimeError and ValueError they were before."""

from newsflow.errors import ConfigError


class ModelError(ConfigError, RuntimeError):
    """The spaCy model is not installed, or lacks a component the extractors need."""


class AliasTableError(ConfigError, ValueError):
    """An alias table cannot be read, or is not of the table's shape."""
