"""Which mentions name one thing, and the canonical entity they make.

Mentions are grouped when they have the same clean name (:func:`.names.clean_name`: "the
US'" and "US") or the same entry of the alias table (:mod:`.aliases`: "US" and "United
States"), whatever their labels; a short form that is the last words of a longer name
joins it ("Peskov" of "Dmitry Peskov", "Izvestia" of "MIC Izvestia"), unless the short
form is an alias-table name itself; a short form several names end with goes to the most
mentioned of them. The group's entity takes its fullest name (cased naturally when the
source shouts it: a dateline's "LONDON" is "London"), its label (the table's, else
the one its mentions got most, checked against the article by :mod:`.evidence`) and its role (:func:`.roles.role_of`)."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Span

from newsflow.core.casing import natural_case
from newsflow.core.entities.aliases import Aliases
from newsflow.core.entities.evidence import checked_label
from newsflow.core.entities.names import clean_name
from newsflow.core.entities.roles import role_of

# Tie-break between labels the mentions of one thing got equally often: spaCy's small
# model tends to call a surname ORG or GPE far more often than the reverse.
_LABEL_PREFERENCE = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT")


def group(ents: list[Span], aliases: Aliases) -> list[list[Span]]:
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


def entity(group: list[Span], aliases: Aliases, dateline_end: int | None = None) -> dict:
    """A canonical entity (without counts yet) from its mentions in text order;
    ``dateline_end`` is where the article's dateline ends, if it has one."""
    names = Counter(clean_name(e.text) for e in group)
    name = max(names, key=lambda n: (len(n.split()), len(n), not n.isupper(), names[n]))
    if _shouted(name, group, dateline_end):
        name = natural_case(name)
    normalized = aliases.normalize(name)
    return {
        "id": normalized,  # unique in the article: its mentions' grouping keys are its own
        "name": name,
        "label": aliases.label(normalized) or checked_label(_label(group, name), name, group),
        "normalized": normalized,
        "role": next((r for r in map(role_of, group) if r), None),
        "mentions": [{"text": e.text, "start": e.start_char, "end": e.end_char} for e in group],
    }


def _shouted(name: str, group: list[Span], dateline_end: int | None) -> bool:
    """Whether a name in capitals is shouted rather than an acronym: several words
    ("NEW DELHI") or a word of the dateline ("LONDON (Reuters) -"); "NATO" and "ERCOT"
    alone in a sentence are acronyms."""
    if not name.isupper():
        return False
    return " " in name or (dateline_end is not None and group[0].start_char < dateline_end)


def _label(group: list[Span], name: str) -> str:
    """The label the fullest name got most often, then the group's most common label,
    then :data:`_LABEL_PREFERENCE` ("MIC Izvestia" twice ORG once PERSON is an ORG)."""
    full = Counter(e.label_ for e in group if clean_name(e.text) == name)
    every = Counter(e.label_ for e in group)
    rank = {label: i for i, label in enumerate(_LABEL_PREFERENCE)}
    return max(every, key=lambda l: (full[l], every[l], -rank.get(l, len(rank))))
