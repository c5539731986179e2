"""The cue lexicon mined from PolNeAR train, and what it says about a word.

``data/quote_cues.json`` holds the "lemmas" (for each verb or noun, the share of its
occurrences that head a gold cue, mined by bench/quotes/mine_cues.py) and the "frames"
(how often each (frame, lemma) candidate was a right attribution, mined by
bench/quotes/mine_frames.py); ``data/quote_objects.json`` the verbs whose object names a
source or an audience, not the words; ``data/quote_lines.json`` the labels that open a
line without naming a speaker ('The Latest:')."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.tokens import Token

if TYPE_CHECKING:
    from newsflow.core.quotes.cues import Cue

_DATA = Path(__file__).parents[1] / "data" / "quote_cues.json"
_OBJECTS_DATA = Path(__file__).parents[1] / "data" / "quote_objects.json"
_LINES_DATA = Path(__file__).parents[1] / "data" / "quote_lines.json"

MIN_SPEAKING_SHARE = 0.3  # of a verb's occurrences heading a cue, for it to be a speaking verb
MIN_PRECISION = 0.3  # a candidate scored lower makes no attribution; chosen on train (5-fold CV, bench/quotes/cross_validate.py)
SURE_PRECISION = 0.45  # below it a cue's attribution only fills a gap the others leave; chosen likewise


@functools.cache
def lexicon() -> dict:
    """{"lemmas": {pos: {lemma: [share, count]}}, "frames": {frame: {lemma: precision}}}."""
    return json.loads(_DATA.read_text(encoding="utf-8"))


def frame_precision(cue: Cue) -> float:
    """How often this lemma in this frame was a right attribution on train."""
    return lexicon().get("frames", {}).get(cue.frame, {}).get(cue.token.lemma_.lower(), 0.0)


def speaking(tok: Token) -> bool:
    """A verb that mostly reports speech wherever it occurs (said, told, added): one that
    can carry a quotation standing beside it."""
    share = lexicon()["lemmas"]["verb"].get(tok.lemma_.lower())
    return (share is not None and share[0] >= MIN_SPEAKING_SHARE) or _puts_it(tok)


def _puts_it(tok: Token) -> bool:
    """'As Marcus puts it, "..."': the idiom reports the words it introduces."""
    return tok.lemma_.lower() == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children)


@functools.cache
def object_lemmas() -> dict:
    """{"naming", "source_naming", "audience_taking", "audiences"}: sets of lemmas."""
    data = json.loads(_OBJECTS_DATA.read_text(encoding="utf-8"))
    return {key: set(value) for key, value in data.items() if key != "about"}


@functools.cache
def line_labels() -> frozenset[str]:
    """Casefolded kickers and editorial labels that open a line with a colon."""
    return frozenset(json.loads(_LINES_DATA.read_text(encoding="utf-8"))["labels"])
