"""The ``dateline_sentence`` component: a wire dateline is a sentence of its own."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from newsflow.core.metadata import dateline_end

NAME = "dateline_sentence"


@Language.component(NAME)
def dateline_sentence(doc: Doc) -> Doc:
    """The first word after a dateline ("LONDON (Reuters) -", "SPRINGFIELD, Ill. —")
    starts a sentence. Run into the story's first sentence, the dateline's place was the
    subject of its verb: "LONDON" the speaker of "Prime Minister Keir Starmer said"."""
    end = dateline_end(doc)
    if end is None:
        return doc
    after = next((tok for tok in doc if tok.idx >= end and not tok.is_space), None)
    if after is not None and after.i > 0:
        starts = doc.to_array("SENT_START")
        starts[after.i] = 1
        doc.from_array(["SENT_START"], starts)
    return doc
