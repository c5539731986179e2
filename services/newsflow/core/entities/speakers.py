"""Who a quote's speaker is: its name and role are decided here, and only here.

The quote extractor (:mod:`newsflow.core.quotes`) finds the speaker's span in the parse;
this module says whom the span names, in two steps over one article:

* :class:`Speakers` resolves it against the article's own mentions: a pronoun to an
  earlier person, a surname to the fullest name the article uses, with the title written
  at the name (:func:`.roles.role_of`: "Kremlin spokesman"). This is what
  :func:`~newsflow.core.quotes.extract_quotes` reports on its own.
* :func:`link_speakers` ties it to its canonical entity (:mod:`newsflow.core.entities`):
  the speaker takes the entity's name, its role when none is written at the speaker, and
  its ``id`` as ``entity``; a resolved pronoun becomes one more mention of the entity.
"""

from __future__ import annotations

import bisect
import functools

from spacy.tokens import Doc, Span

from newsflow.core.entities.aliases import Aliases
from newsflow.core.entities.names import clean_name
from newsflow.core.entities.roles import role_of
from newsflow.core.labels import NAMED_LABELS
from newsflow.core.spans import overlapping

_PERSONAL = {"he", "she", "him", "her", "i", "me"}
_LOOKBACK_SENTS = 4
Mention = tuple[int, int, int]  # start, end, entity index


class Speakers:
    """The people and named things of one article, to resolve speaker spans against: its
    entities are listed once (a Doc builds them anew on every access)."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.ents = list(doc.ents)
        self._starts = [e.start for e in self.ents]
        self.names = _full_names(self.ents)

    def resolve(self, span: Span) -> tuple[str | None, str | None]:
        """(name, role) of the speaker span; the name is None when the span names nobody
        the article names: a pronoun without an antecedent, a bare common noun ("the
        official"), which are no names."""
        names = self.names
        ents = self.ents_in(span.start, span.end)
        people = [e for e in ents if e.label_ == "PERSON"]
        if people:
            ent = people[-1]
            name, role = names.get(ent.text.strip().casefold(), (ent.text.strip(), None))
            return name, role_of(ent) or role
        named = [e for e in ents if e.label_ in NAMED_LABELS and e.start <= span.root.i < e.end]
        if named:
            return named[0].text.strip(), None
        head = span.root.lower_
        if len(span) == 1 and head in _PERSONAL:
            found = self._antecedent(span)
            if found is not None:
                return names.get(found.text.strip().casefold(), (found.text.strip(), None))
            return None, None
        if len(span) == 1 and span.root.tag_ in ("WP", "WDT") and span.root.head.dep_ == "relcl":
            noun = span.root.head.head  # 'RT, which cited Peskov' -> RT
            return self.resolve(span.doc[noun.left_edge.i : noun.i + 1])
        if self._names_nobody(span):
            return None, None  # "it", "they", "the official": no name (the span is kept)
        text = span.text
        first = span[0]
        if first.pos_ == "DET" and len(span) > 1:
            text = span[1:].text
        return text, None

    def _names_nobody(self, span: Span) -> bool:
        """Whether the span is pronouns and common nouns only: words in lower case, or a
        sentence's capitalised first word the article also writes in lower case ("Officials
        said" with "two officials" elsewhere; the parse tags "Sanders" as plural noun too)."""
        for tok in span:
            if not tok.is_alpha or tok.is_lower or tok.pos_ in ("PRON", "DET"):
                continue
            if tok.is_sent_start and tok.lower_ in self._lower_words:
                continue
            return False
        return True

    @functools.cached_property
    def _lower_words(self) -> frozenset[str]:
        return frozenset(tok.text for tok in self.doc if tok.is_lower)

    def ents_in(self, start: int, end: int) -> list[Span]:
        """The entities within tokens [start, end)."""
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(self.ents) and self.ents[i].start < end:
            if self.ents[i].end <= end:
                out.append(self.ents[i])
            i += 1
        return out

    def _antecedent(self, pron: Span) -> Span | None:
        """The person a he/she refers to: a subject person earlier in its own sentence,
        else the nearest earlier sentence's subject person, else that sentence's first
        person."""
        doc = pron.doc
        sent = pron.sent
        own = True
        for _ in range(_LOOKBACK_SENTS):
            people = [e for e in self.ents_in(sent.start, sent.end) if e.label_ == "PERSON" and e.end <= pron.start]
            subjects = [e for e in people if e.root.dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                return subjects[-1] if own else subjects[0]
            if people and not own:
                return people[0]
            if sent.start == 0:
                return None
            sent = doc[sent.start - 1].sent
            own = False
        return None


def _full_names(ents: list[Span]) -> dict[str, tuple[str, str | None]]:
    """Casefolded surname or name -> (fullest name, role) over the article's people, roles
    taken from the words before a name ("Kremlin spokesman Dmitry Peskov")."""
    names: dict[str, tuple[str, str | None]] = {}
    for ent in ents:
        if ent.label_ != "PERSON":
            continue
        full = ent.text.strip()
        role = role_of(ent)
        for key in (full.casefold(), full.split()[-1].casefold()):
            name, known_role = names.get(key, (full, None))
            names[key] = (full if len(full) > len(name) else name, known_role or role)
    return names


def link_speakers(quotes: list[dict], entities: list[dict], aliases: Aliases) -> None:
    """Point each quote's speaker at its canonical entity, in place.

    The entity is the one with a mention inside the speaker span (a person first, then the
    last: "Dmitry Peskov of the Kremlin" is Peskov), else the one whose name (or alias,
    mention text, or a person's surname) the speaker's ``name`` is or ends with; the other
    way round when the quote extractor resolved the speaker to a name other than its text,
    as that name is then the better clue. The speaker then takes the entity's
    ``name``, its ``role`` when it has none, and its ``id`` in the ``entity`` the quote
    extractor leaves null (a speaker without that key gets none). A speaker span the quote extractor resolved
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
        if "entity" in speaker:
            speaker["entity"] = entity["id"]


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
