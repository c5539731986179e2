"""Entity mentions grouped into one canonical entity per real thing in the article.

spaCy's NER gives mentions; they are grouped when they name the same thing:

* the same clean name (:func:`clean_name`: "the US'" and "US") or the same entry of the
  alias table (:mod:`.aliases`: "US" and "United States"), whatever their labels;
* a short form that is the last words of a longer name ("Peskov" of "Dmitry Peskov",
  "Izvestia" of "MIC Izvestia"), unless the short form is an alias-table name itself;
  a short form several names end with goes to the most mentioned of them;
* a quote speaker the quote extractor resolved ("he" -> "Dmitry Peskov"), see
  :mod:`.speakers`.

Numbers and dates (:data:`NUMERIC_LABELS`) stay in the mention list with their own text
as canonical name but make no canonical entity: they name values, not things, and the
metadata's ``dates`` already resolves the dates.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Span

from newsflow.core.entities import aliases as entity_aliases
from newsflow.core.entities.aliases import Aliases
from newsflow.core.entities.names import clean_name
from newsflow.core.entities.roles import role_of
from newsflow.core.entities.speakers import link_speakers
from newsflow.core.labels import NUMERIC_LABELS

# A mention longer than this is no name but a span spaCy's NER ran on over junk; it would
# be its entity's name on every message (PolNeAR's longest mention has 81 characters).
MAX_NAME_CHARS = 200
# The title is searched for the entities' names in its first characters only, as the
# search costs the title's length for each entity (a headline is far shorter).
TITLE_CHARS = 2000
# Tie-break between labels the mentions of one thing got equally often: spaCy's small
# model tends to call a surname ORG or GPE far more often than the reverse.
_LABEL_PREFERENCE = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT")


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
    entities = [_entity(group, aliases) for group in _group(named, aliases)]
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


def _group(ents: list[Span], aliases: Aliases) -> list[list[Span]]:
    """The mentions in groups of one thing each, in order of first mention."""
    by_key: dict[str, list[Span]] = {}
    for ent in ents:
        by_key.setdefault(_key(clean_name(ent.text), aliases), []).append(ent)
    owners: dict[str, list[str]] = {}  # casefolded last words of a long name -> its groups
    for key, group in by_key.items():
        for words in {tuple(clean_name(e.text).split()) for e in group}:
            for i in range(1, len(words)):
                if all(w[:1].isupper() for w in words[i:]):
                    owners.setdefault(" ".join(words[i:]).casefold(), []).append(key)
    parent: dict[str, str] = {}
    for key, group in by_key.items():
        candidates = [k for k in owners.get(key, ()) if k != key]
        if candidates and not aliases.known(clean_name(group[0].text)):
            parent[key] = max(candidates, key=lambda k: (len(by_key[k]), -by_key[k][0].start_char))
    merged: dict[str, list[Span]] = {}
    for key, group in by_key.items():
        while key in parent:
            key = parent[key]
        merged.setdefault(key, []).extend(group)
    return sorted((sorted(g, key=lambda e: e.start_char) for g in merged.values()), key=lambda g: g[0].start_char)


def _key(name: str, aliases: Aliases) -> str:
    return aliases.normalize(name).casefold()


def _entity(group: list[Span], aliases: Aliases) -> dict:
    """A canonical entity (without counts yet) from its mentions in text order."""
    names = Counter(clean_name(e.text) for e in group)
    name = max(names, key=lambda n: (len(n.split()), len(n), names[n]))
    normalized = aliases.normalize(name)
    return {
        "id": normalized,  # unique in the article: its mentions' grouping keys are its own
        "name": name,
        "label": aliases.label(normalized) or _label(group, name),
        "normalized": normalized,
        "role": next((r for r in map(role_of, group) if r), None),
        "mentions": [{"text": e.text, "start": e.start_char, "end": e.end_char} for e in group],
    }


def _label(group: list[Span], name: str) -> str:
    """The label the fullest name got most often, then the group's most common label,
    then :data:`_LABEL_PREFERENCE` ("MIC Izvestia" twice ORG once PERSON is an ORG)."""
    full = Counter(e.label_ for e in group if clean_name(e.text) == name)
    every = Counter(e.label_ for e in group)
    rank = {label: i for i, label in enumerate(_LABEL_PREFERENCE)}
    return max(every, key=lambda l: (full[l], every[l], -rank.get(l, len(rank))))


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
