"""Entity mentions grouped into one canonical entity per real thing in the article.

:func:`canonicalize` runs the steps, one module each; a new rule goes where its question
is answered:

* :mod:`.grouping` which mentions name one thing (same clean name, same alias-table
  entry, a short form of a longer name), and the entity they make (name, label, role);
* :mod:`.names` a mention's clean name ("the US'" -> "US");
* :mod:`.aliases` the alias table ("Kiev" and "Kyiv"), shipped in data/aliases.json, an
  extra one passed in;
* :mod:`.roles` an entity's role ("Kremlin spokesman"), and a speaker's title;
* :mod:`.speakers` who a quote's speaker is: the span resolved ("he" -> "Dmitry Peskov"),
  then linked to its entity, whose mention it becomes;
* here: counts, the title, salience and the mention list.

Numbers and dates (:data:`NUMERIC_LABELS`) stay in the mention list with their own text
as canonical name but make no canonical entity: they name values, not things, and the
metadata's ``dates`` already resolves the dates.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from newsflow.core.entities import aliases as entity_aliases
from newsflow.core.entities import grouping
from newsflow.core.entities.aliases import Aliases
from newsflow.core.entities.names import clean_name
from newsflow.core.entities.speakers import link_speakers
from newsflow.core.labels import NUMERIC_LABELS
from newsflow.core.metadata import dateline_end

__all__ = ["NUMERIC_LABELS", "canonicalize", "salience"]

# A mention longer than this is no name but a span spaCy's NER ran on over junk; it would
# be its entity's name on every message (PolNeAR's longest mention has 81 characters).
MAX_NAME_CHARS = 200
# The title is searched for the entities' names in its first characters only, as the
# search costs the title's length for each entity (a headline is far shorter).
TITLE_CHARS = 2000


def canonicalize(
    doc: Doc, title: str, quotes: list[dict], aliases: Aliases | None = None
) -> tuple[list[dict], list[dict]]:
    """(mentions, canonical entities) of ``doc``; links ``quotes``' speakers in place.
    ``aliases`` is the alias table (the shipped one by default, see :mod:`.aliases`).

    Each mention is {text, label, start, end, canonical, normalized} with
    ``doc.text[start:end] == text``; its label is its entity's (one thing, one label).
    Canonical entities come most salient first, see :func:`salience`. An entity's ``id``
    is its normalized name: unique among the article's entities (two with one normalized
    name would be one group) and the key of its entity message; a linked quote speaker's
    ``entity`` names it (see :mod:`.speakers`).
    """
    aliases = aliases or entity_aliases.load()
    ents = [ent for ent in doc.ents if ent.end_char - ent.start_char <= MAX_NAME_CHARS]
    length = len(doc.text)  # Doc.text joins every token: once only
    named = [ent for ent in ents if ent.label_ not in NUMERIC_LABELS]
    dateline = dateline_end(doc)
    entities = [grouping.entity(group, aliases, dateline) for group in grouping.group(named, aliases)]
    link_speakers(quotes, entities, aliases)
    for entity in entities:
        _finish(entity, title[:TITLE_CHARS])
    top = max((e["count"] for e in entities), default=1)
    for entity in entities:
        entity["salience"] = salience(entity["count"] / top, entity["first"], length, entity["in_title"])
    entities.sort(key=lambda e: (-e["salience"], e["first"]))
    mentions = [
        {**m, "label": e["label"], "canonical": e["name"], "normalized": e["normalized"]}
        for e in entities
        for m in e["mentions"]
    ]
    mentions += [
        {"text": ent.text, "start": ent.start_char, "end": ent.end_char, "label": ent.label_,
         "canonical": ent.text, "normalized": ent.text}
        for ent in ents
        if ent.label_ in NUMERIC_LABELS
    ]
    mentions.sort(key=lambda m: m["start"])
    return mentions, entities


def salience(frequency: float, first: int, length: int, in_title: bool) -> float:
    """How central an entity is to the article, in [0, 1]:

        0.5 * frequency + 0.3 * (1 - first / length) + 0.2 * in_title

    ``frequency`` is its mention count over the most mentioned entity's, ``first`` the
    offset of its first mention in a text of ``length`` characters (earlier is more
    central, as news puts the subject first), ``in_title`` whether the title names it.
    """
    position = 1 - first / length if length else 1.0
    return round(0.5 * frequency + 0.3 * position + 0.2 * in_title, 3)


def _finish(entity: dict, title: str) -> None:
    """Adds count, first and in_title to an entity whose mentions are all known."""
    entity["mentions"].sort(key=lambda m: m["start"])
    entity["count"] = len(entity["mentions"])
    entity["first"] = entity["mentions"][0]["start"]
    forms = {entity["name"], entity["normalized"]}
    forms.update(clean_name(m["text"]) for m in entity["mentions"] if not m["text"].islower())
    if entity["label"] == "PERSON":
        forms.add(entity["name"].split()[-1])
    entity["in_title"] = bool(re.search(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))})(?!\w)", title))
