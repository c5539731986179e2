"""What the stages ask of the parse around a token: the word before it, the paragraph it
is in, the punctuation a span's edges drop."""

from __future__ import annotations

from spacy.tokens import Doc

EDGE_JUNK = {"PUNCT", "CCONJ", "SPACE"}


def word_before(doc: Doc, i: int) -> int:
    """The index of the last token before i that is not whitespace, -1 if none: a
    no-break or second space ('said,\xa0"...') is a token of its own."""
    i -= 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return i


def paragraphs(doc: Doc) -> list[int]:
    """The paragraph number of each token (line breaks are whitespace tokens)."""
    out, n = [], 0
    for tok in doc:
        n += tok.is_space and "\n" in tok.text
        out.append(n)
    return out
