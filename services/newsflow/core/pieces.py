"""A long body cut into pieces for spaCy: the body is tokenized whole (linear, see
components.bounded_runs), cut between tokens, each piece parsed as a Doc of its own and
the Docs joined (Doc.from_docs), so that a parse's memory follows the piece, not the
body: the parser and tagger hold ~15 KB per token of what they see at once (2.7 KB per
character of prose), and spaCy's max_length (1,000,000 characters) never refuses a body."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc

_STOPS = frozenset(".!?")


def pieces(doc: Doc, max_tokens: int, max_chars: int) -> list[Doc]:
    """A tokenized ``doc`` in pieces of at most ``max_tokens`` tokens and ``max_chars``
    characters (or one token) whose texts join back to its text. Each cut follows the
    last line break in the second half of the piece, else its last stop, else its last
    whitespace, else comes at the limit."""
    text_length = len(doc.text)
    if len(doc) <= max_tokens and text_length <= max_chars:
        return [doc]
    starts = [*doc.to_array("IDX").tolist(), text_length]  # of each token, and the end
    out = []
    first = 0
    while first < len(doc):
        fits = bisect.bisect_right(starts, starts[first] + max_chars) - 1  # tokens [first, fits)
        limit = min(len(doc), first + max_tokens, max(fits, first + 1))
        end = limit if limit == len(doc) else _cut(doc, first + (limit - first) // 2, limit)
        out.append(doc[first:end].as_doc())
        first = end
    return out


def joined(docs: list[Doc]) -> Doc:
    """The Docs of a text's pieces as one: its text and every offset as if parsed whole,
    tok2vec's tensor included (the attribution scorer reads it)."""
    if len(docs) == 1:
        return docs[0]
    return Doc.from_docs(docs, ensure_whitespace=False)


def _cut(doc: Doc, lo: int, hi: int) -> int:
    """The token to start the next piece at, in (lo, hi]."""
    for ends in (_after_line_break, _after_stop, _after_whitespace):
        for i in range(hi, lo, -1):
            if ends(doc[i - 1]):
                return i
    return hi


def _after_line_break(tok) -> bool:
    return tok.is_space and "\n" in tok.text


def _after_stop(tok) -> bool:
    return tok.text in _STOPS and bool(tok.whitespace_)


def _after_whitespace(tok) -> bool:
    return tok.is_space or bool(tok.whitespace_)
