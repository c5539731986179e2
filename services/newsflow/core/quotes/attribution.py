"""An attribution while the stages work on it (a content span, its cue, speaker and
outlet), and the JSON-ready dict it becomes."""

from __future__ import annotations

from spacy.tokens import Doc

from newsflow.core.entities.speakers import Speakers
from newsflow.core.quotes.content import quote_type, verbatim
from newsflow.core.quotes.cues import Cue
from newsflow.core.quotes.index import TextIndex
from newsflow.core.quotes.sources import relayed_by


class Attribution:
    """A content span with the cue it came from (None for a continuation quote)."""

    def __init__(self, start: int, end: int, cue: Cue | None, score: float):
        self.start, self.end, self.cue, self.score = start, end, cue, score
        self.source = cue.source if cue else None
        self.via: tuple[int, int] | None = relayed_by(cue.token) if cue else None
        self.inherited: Attribution | None = None

    def to_dict(self, doc: Doc, text: str, index: TextIndex, marks: list[tuple[int, int]], people: Speakers) -> dict:
        source = self.source
        if source is None and self.inherited is not None:
            source = self.inherited.source
            speaker_at = self.inherited
        else:
            speaker_at = self
        speaker = None
        if source is not None:
            span = doc[source[0] : source[1]]
            name, role = people.resolve(span)
            speaker = {
                **_chars(text, span.start_char, span.end_char), "name": name, "role": role,
                "entity": None,  # the canonical entity's id, once linked (entities.speakers)
            }
        cue = None
        if self.cue is not None:
            c = doc[self.cue.cue[0] : self.cue.cue[1]]
            cue = _chars(text, c.start_char, c.end_char)
        via = speaker_at.via
        via_dict = None
        if via is not None:
            span = doc[via[0] : via[1]]
            name = people.resolve(span)[0] or span.text
            if speaker is None or name != speaker["name"]:
                via_dict = {**_chars(text, span.start_char, span.end_char), "name": name}
        return {
            **_chars(text, self.start, self.end),
            "type": quote_type(index, self.start, self.end, marks),
            "quoted": [_chars(text, a, b) for a, b in verbatim(text, self.start, self.end, marks)],
            "speaker": speaker,
            "cue": cue,
            "via": via_dict,
            "confidence": round(self.score, 3),
        }


def _chars(text: str, start: int, end: int) -> dict:
    return {"text": text[start:end], "start": start, "end": end}
