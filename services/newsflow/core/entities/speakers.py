"""Who a speaker span names: pronouns resolved to an earlier person, surnames expanded to
the fullest name the article uses, and the role ("Kremlin spokesman") when one is given."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span

from newsflow.core.labels import NAMED_LABELS

_PERSONAL = {"he", "she", "him", "her", "i", "me"}
_ROLE_POS = {"NOUN", "PROPN", "ADJ"}
_LOOKBACK_SENTS = 4


class Speakers:
    """The people and named things of one article, to resolve speaker spans against: its
    entities are listed once (a Doc builds them anew on every access)."""

    def __init__(self, doc: Doc):
        self.ents = list(doc.ents)
        self._starts = [e.start for e in self.ents]
        self.names = _full_names(self.ents)

    def resolve(self, span: Span) -> tuple[str, str | None]:
        """(name, role) of the speaker span."""
        names = self.names
        ents = self.ents_in(span.start, span.end)
        people = [e for e in ents if e.label_ == "PERSON"]
        if people:
            ent = people[-1]
            name, role = names.get(ent.text.strip().casefold(), (ent.text.strip(), None))
            return name, _role(ent) or role
        named = [e for e in ents if e.label_ in NAMED_LABELS and e.start <= span.root.i < e.end]
        if named:
            return named[0].text.strip(), None
        head = span.root.lower_
        if len(span) == 1 and head in _PERSONAL:
            found = self._antecedent(span)
            if found is not None:
                return names.get(found.text.strip().casefold(), (found.text.strip(), None))
        if len(span) == 1 and span.root.tag_ in ("WP", "WDT") and span.root.head.dep_ == "relcl":
            noun = span.root.head.head  # 'RT, which cited Peskov' -> RT
            return self.resolve(span.doc[noun.left_edge.i : noun.i + 1])
        text = span.text
        first = span[0]
        if first.pos_ == "DET" and len(span) > 1:
            text = span[1:].text
        return text, None

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
        role = _role(ent)
        for key in (full.casefold(), full.split()[-1].casefold()):
            name, known_role = names.get(key, (full, None))
            names[key] = (full if len(full) > len(name) else name, known_role or role)
    return names


def _role(ent: Span) -> str | None:
    """The title words just before a name, or its appositive ("Peskov, the spokesman")."""
    doc = ent.doc
    i = ent.start
    while i > 0 and doc[i - 1].pos_ in _ROLE_POS and doc[i - 1].ent_type_ != "PERSON" and i - 1 < doc[i - 1].head.i < ent.end:
        i -= 1
    if i < ent.start:
        return doc[i : ent.start].text
    appos = next((c for c in ent.root.rights if c.dep_ == "appos" and c.ent_type_ != "PERSON"), None)
    if appos is not None:
        words = doc[appos.left_edge.i : appos.right_edge.i + 1]
        if len(words) <= 8:
            return words.text.removeprefix("the ").removeprefix("The ")
    return None
