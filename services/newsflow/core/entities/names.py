"""The clean name of an entity mention: what the thing is called, without the grammar
around it that spaCy's span may carry ("the US'" -> "US", "Russia's" -> "Russia")."""

from __future__ import annotations

import re

_GRAMMAR = re.compile(r"^(?:the\s+)?(.*?)(?:['’]s?)?$", re.I | re.S)


def clean_name(text: str) -> str:
    """``text`` without a leading "the" and a trailing possessive ("'s", "'")."""
    return _GRAMMAR.match(text.strip())[1].strip() or text.strip()
