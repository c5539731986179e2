"""The ``headline_names`` component: a person's name in a title-cased headline ends
before the headline's verb.

In "Ben Carson Defends Himself Against Claims" or "Trump May Not Have Suggested A Muslim
Registry" every word is capitalised, and the small model runs the name into the verb:
"Ben Carson Defends", "Trump May Not Have Suggested" became speakers and entities. In a
title-cased sentence a PERSON span is cut at its first word tagged as a verb, auxiliary,
adverb or particle, or as a plural proper noun (the model's tag for a capitalised
"Defends"); what is left is cut further to the longest part of it the article names as a
person elsewhere ("Trump May" -> "Trump" beside "Donald Trump")."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

NAME = "headline_names"

# Tags of a word that is not part of a person's name in a title-cased sentence.
_NOT_NAME_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD", "RB", "NNPS"})
_NOT_NAME_POS = frozenset({"VERB", "AUX", "PART"})
# A sentence is title-cased when this share of its longer words start with a capital.
_TITLE_SHARE = 0.8
_LONG_WORD = 4
_MIN_LONG_WORDS = 3


@Language.component(NAME)
def headline_names(doc: Doc) -> Doc:
    ents = list(doc.ents)
    people = [e for e in ents if e.label_ == "PERSON"]
    if not people:
        return doc
    changed = False
    for i, ent in enumerate(ents):
        if ent.label_ != "PERSON" or len(ent) < 2 or not title_cased(ent.sent):
            continue
        cut = next((t.i for t in ent[1:] if t.tag_ in _NOT_NAME_TAGS or t.pos_ in _NOT_NAME_POS), None)
        if cut is None:
            continue
        named = _named_elsewhere(people, ent)
        end = next((e for e in range(cut, ent.start, -1) if doc[ent.start:e].text in named), cut)
        ents[i] = Span(doc, ent.start, end, label=ent.label)
        changed = True
    if changed:
        doc.ents = ents
    return doc


def title_cased(sent: Span) -> bool:
    """Whether (nearly) every longer word of the sentence starts with a capital."""
    long_words = [t.text for t in sent if t.is_alpha and len(t) >= _LONG_WORD]
    capitals = sum(w[:1].isupper() for w in long_words)
    return len(long_words) >= _MIN_LONG_WORDS and capitals >= _TITLE_SHARE * len(long_words)


def _named_elsewhere(people: list[Span], ent: Span) -> set[str]:
    """The other person names of the article and every run of their words ("Donald
    Trump" gives "Donald Trump", "Donald", "Trump")."""
    named = set()
    for other in people:
        if other.start != ent.start:
            words = other.text.split()
            named.update(" ".join(words[a:b]) for a in range(len(words)) for b in range(a + 1, len(words) + 1))
    return named
