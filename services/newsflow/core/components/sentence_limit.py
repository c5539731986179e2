"""The ``sentence_limit`` component: no sentence longer than MAX_SENTENCE_TOKENS tokens."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

NAME = "sentence_limit"
# The parser's sentences, and with them every walk of the extractors over a sentence or
# a subtree, are at most this many tokens. PolNeAR's longest paragraph has 491.
MAX_SENTENCE_TOKENS = 512
_STOPS = frozenset(".!?")


@Language.component(NAME)
def sentence_limit(doc: Doc) -> Doc:
    """A stretch of more than MAX_SENTENCE_TOKENS tokens without a sentence start gets
    one after its last stop in the second half of the limit, else at the limit: a body
    without line breaks or stops ('"' x 40,000) is otherwise one sentence, and reading a
    token's sentence or subtree costs its length."""
    starts = doc.to_array("SENT_START")
    first, after_stop = 0, 0
    for tok in doc:
        if starts[tok.i] == 1:
            first = tok.i
        elif tok.i - first == MAX_SENTENCE_TOKENS:
            first = after_stop if after_stop > first + MAX_SENTENCE_TOKENS // 2 else tok.i
            starts[first] = 1
        if tok.text in _STOPS:
            after_stop = tok.i + 1
    doc.from_array(["SENT_START"], starts)
    return doc
