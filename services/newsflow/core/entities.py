"""Entity mentions grouped into one canonical entity per real thing (first cut)."""

from __future__ import annotations

from spacy.tokens import Doc


def canonicalize(doc: Doc, title: str, quotes: list[dict]) -> tuple[list[dict], list[dict]]:
    """(mentions, canonical entities). Groups mentions by label and exact text."""
    groups: dict[tuple[str, str], dict] = {}
    mentions = []
    for ent in doc.ents:
        key = (ent.label_, ent.text)
        group = groups.setdefault(
            key,
            {"name": ent.text, "label": ent.label_, "mentions": [], "count": 0,
             "first": ent.start_char, "in_title": ent.text in title, "salience": 0.0, "role": None},
        )
        span = {"text": ent.text, "start": ent.start_char, "end": ent.end_char}
        group["mentions"].append(span)
        group["count"] += 1
        mentions.append({**span, "label": ent.label_, "canonical": group["name"]})
    return mentions, list(groups.values())
