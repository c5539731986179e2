"""An entity's label checked against what the article writes at its name: the small
model calls "Pablo Vegas" a GPE and "Manchester United" a PERSON, while the article says
"Pablo Vegas, the chief executive of ERCOT" and the name ends on a club's word. The words
that count are data (``data/label_evidence.json``), not code."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from spacy.tokens import Span

from newsflow.core.entities.roles import role_of

EVIDENCE = Path(__file__).parents[1] / "data" / "label_evidence.json"
_WORD = re.compile(r"[\w.]+")
_ATTACHED = re.compile(r",|\b(?:of|at|for|to|in|with|from|on|and|who|which)\b")
# A place's or an organisation's label is checked on its first mentions only: the
# evidence stands at a name's first mention in news, and each check reads the parse.
_CHECKED_MENTIONS = 3


@functools.cache
def _evidence() -> dict[str, frozenset[str]]:
    data = json.loads(EVIDENCE.read_text(encoding="utf-8"))
    return {key: frozenset(words) for key, words in data.items() if key != "about"}


def checked_label(label: str, name: str, mentions: list[Span]) -> str:
    """``label`` (the model's, by majority), or the one the article gives evidence for."""
    evidence = _evidence()
    words = name.split()
    if label == "PERSON":
        if len(words) > 1 and words[-1].lower() in evidence["organisation_words"]:
            return "ORG"
        return label
    if label in ("GPE", "LOC", "ORG", "FAC", "NORP") and any(_personal(m, evidence) for m in mentions[:_CHECKED_MENTIONS]):
        return "PERSON"
    return label


def _personal(mention: Span, evidence: dict[str, frozenset[str]]) -> bool:
    """Whether the article writes a person's title or role at the mention."""
    if mention.start > 0 and mention.doc[mention.start - 1].lower_ in evidence["person_titles"]:
        return True
    role = role_of(mention)
    if role is None:
        return False
    # the role's head noun: "chief executive (of ERCOT)" a person, "homeland (of Senator
    # Ron Wyden)" and "country's official name" not
    words = _WORD.findall(_ATTACHED.split(role.lower(), maxsplit=1)[0])
    return bool(words) and words[-1] in evidence["person_words"]
