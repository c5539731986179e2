"""Quote speakers tied to the article's canonical entities, so a speaker's name is always
the name the rest of the enriched article uses for that person or organisation."""

from __future__ import annotations

import bisect

from newsflow.core.entities.aliases import Aliases
from newsflow.core.entities.names import clean_name
from newsflow.core.spans import overlapping

Mention = tuple[int, int, int]  # start, end, entity index


def link_speakers(quotes: list[dict], entities: list[dict], aliases: Aliases) -> None:
    """Point each quote's speaker at its canonical entity, in place.

    The entity is the one with a mention inside the speaker span (a person first, then the
    last: "Dmitry Peskov of the Kremlin" is Peskov), else the one whose name (or alias,
    mention text, or a person's surname) the speaker's ``name`` is or ends with; the other
    way round when the quote extractor resolved the speaker to a name other than its text,
    as that name is then the better clue. The speaker then takes the entity's
    ``name``, and its ``role`` when it has none. A speaker span the quote extractor resolved
    to someone (its ``name`` differs from its ``text``: "he" -> "Dmitry Peskov") becomes one
    more mention of the entity, appended to the entity's ``mentions``.
    """
    forms = _forms(entities, aliases)
    spans = sorted(  # disjoint: spaCy's entities, and speaker spans that overlap none
        (m["start"], m["end"], index)
        for index, entity in enumerate(entities)
        for m in entity["mentions"]
    )
    for quote in quotes:
        speaker = quote.get("speaker")
        if not speaker:
            continue
        found = overlapping(spans, speaker["start"], speaker["end"])
        resolved = speaker.get("name") != speaker["text"]
        by_name = _by_name(speaker.get("name") or "", forms, aliases)
        by_span = _by_span(found, entities)
        first, second = (by_name, by_span) if resolved else (by_span, by_name)
        index = first if first is not None else second
        if index is None:
            continue
        entity = entities[index]
        if resolved and not found:
            entity["mentions"].append(
                {"text": speaker["text"], "start": speaker["start"], "end": speaker["end"]}
            )
            bisect.insort(spans, (speaker["start"], speaker["end"], index))
        speaker["name"] = entity["name"]
        if speaker.get("role") is None:
            speaker["role"] = entity["role"]


def _forms(entities: list[dict], aliases: Aliases) -> dict[str, int]:
    """Casefolded names an entity goes by -> its index; the most mentioned entity wins a
    form two of them share (two people with one surname)."""
    forms: dict[str, int] = {}
    by_count = sorted(range(len(entities)), key=lambda i: -len(entities[i]["mentions"]))
    for index in by_count:
        entity = entities[index]
        names = {entity["name"], entity["normalized"], *(clean_name(m["text"]) for m in entity["mentions"])}
        if entity["label"] == "PERSON":
            names.add(entity["name"].split()[-1])
        for name in names:
            forms.setdefault(aliases.normalize(name).casefold(), index)
            forms.setdefault(name.casefold(), index)
    return forms


def _by_name(name: str, forms: dict[str, int], aliases: Aliases) -> int | None:
    """The entity the name or its longest word-suffix names ("Kremlin spokesman Dmitry
    Peskov" -> "Dmitry Peskov")."""
    words = clean_name(name).split()
    for i in range(len(words)):
        tail = " ".join(words[i:])
        for form in (tail.casefold(), aliases.normalize(tail).casefold()):
            if form in forms:
                return forms[form]
    return None


def _by_span(found: list[Mention], entities: list[dict]) -> int | None:
    if not found:
        return None
    people = [o for o in found if entities[o[2]]["label"] == "PERSON"]
    return max(people or found)[2]
