"""A long body cut into pieces for spaCy: each piece is parsed as a text of its own and the
Docs are joined (Doc.from_docs), so that a parse's memory follows the piece, not the body
(tok2vec holds ~2.7 KB per character of what it sees at once), and spaCy's max_length
(1,000,000 characters) never refuses a body."""

from __future__ import annotations

import re

from spacy.tokens import Doc

# Where a cut costs the parse least, in order: after a line break (and the whitespace
# after it), after a sentence's stop, after any whitespace.
_BOUNDARIES = (
    re.compile(r"\n\s*"),
    re.compile(r"[.!?][\"'”’)\]]*\s+"),
    re.compile(r"\s+"),
)


def pieces(text: str, max_chars: int) -> list[str]:
    """``text`` in pieces of at most ``max_chars`` characters that join back to it. Each
    cut is the last boundary of the first kind found in the second half of the piece
    (see _BOUNDARIES), else at ``max_chars``: every piece but the last has at least half
    of ``max_chars``."""
    out = []
    start = 0
    while len(text) - start > max_chars:
        cut = _cut(text, start + max_chars // 2, start + max_chars)
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def joined(docs: list[Doc]) -> Doc:
    """The Docs of a text's pieces as one: its text and every offset as if parsed whole
    (tok2vec's tensor is left out: no extractor reads it)."""
    if len(docs) == 1:
        return docs[0]
    return Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])


def _cut(text: str, lo: int, hi: int) -> int:
    for boundary in _BOUNDARIES:
        last = None
        for last in boundary.finditer(text, lo, hi):
            pass
        if last is not None:
            return last.end()
    return hi
