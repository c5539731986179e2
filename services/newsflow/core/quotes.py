"""Quote extraction (first cut: quotation marks, cue verb and its subject)."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

_QUOTED = re.compile(r"[\"“]([^\"“”]{2,}?)[\"”]")
_CUES = {"say", "tell", "add", "note", "warn", "state", "describe", "announce", "claim"}


def _span(text: str, start: int, end: int) -> dict:
    return {"text": text[start:end], "start": start, "end": end}


def _cue_and_speaker(doc: Doc, sent: Span) -> tuple[dict | None, dict | None]:
    for tok in sent:
        if tok.lemma_ in _CUES and tok.pos_ == "VERB":
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            cue = _span(doc.text, tok.idx, tok.idx + len(tok))
            if subj is None:
                return cue, None
            sub = doc[subj.left_edge.i : subj.right_edge.i + 1]
            speaker = _span(doc.text, sub.start_char, sub.end_char)
            speaker["name"] = speaker["text"]
            return cue, speaker
    return None, None


def extract_quotes(doc: Doc) -> list[dict]:
    """Quotes in ``doc`` as JSON-ready dicts with char offsets into ``doc.text``."""
    found = []
    for match in _QUOTED.finditer(doc.text):
        start, end = match.span()
        sent = doc.char_span(start, end, alignment_mode="expand").sent
        cue, speaker = _cue_and_speaker(doc, sent)
        found.append(
            {
                **_span(doc.text, start, end),
                "type": "direct",
                "speaker": speaker,
                "cue": cue,
                "via": None,
                "confidence": 0.5,
            }
        )
    return found
