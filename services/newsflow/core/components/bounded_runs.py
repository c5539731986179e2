"""The tokenizer with its cost linear in the text's length (wraps the model's own)."""

from __future__ import annotations

import re

from spacy.tokens import Doc

# spaCy's tokenizer strips a run of characters without whitespace one affix at a time,
# and each step searches, hashes and copies the rest of the run: the cost is the square of
# the run's length ('"' x 5,000 took 4.4 s, x 40,000 over 2 minutes). A longer run is
# tokenized in parts of this many characters; PolNeAR's longest is 87 (a URL).
MAX_RUN_CHARS = 1000
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS + 1},}}")
# Every suffix rule is anchored at the end of the run and a few characters long, except a
# run of dots ('\.\.+$'): the search need not try every position of a long run.
SUFFIX_WINDOW = 64


class BoundedRuns:
    """spaCy's tokenizer with its cost linear in the text's length: a whitespace-free
    run longer than MAX_RUN_CHARS is tokenized part by part (a token may then end at a
    part's end), and the suffix rules are searched near the end of a run only."""

    def __init__(self, tokenizer):
        tokenizer.suffix_search = _near_the_end(tokenizer.suffix_search.__self__)
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        cuts = [cut for run in _LONG_RUN.finditer(text)
                for cut in range(run.start() + MAX_RUN_CHARS, run.end(), MAX_RUN_CHARS)]
        if not cuts:
            return self.tokenizer(text)
        bounds = [0, *cuts, len(text)]
        parts = [self.tokenizer(text[a:b]) for a, b in zip(bounds, bounds[1:])]
        return Doc.from_docs(parts, ensure_whitespace=False)


def _near_the_end(suffixes: re.Pattern):
    """``suffixes.search`` tried from SUFFIX_WINDOW characters before the end; a match
    starting right there may go on before it (a run of dots), and is searched again
    in the whole string."""

    def search(text: str) -> re.Match | None:
        start = max(0, len(text) - SUFFIX_WINDOW)
        match = suffixes.search(text, start)
        if start and match is not None and match.start() == start:
            return suffixes.search(text)
        return match

    return search
