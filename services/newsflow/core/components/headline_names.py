"""The ``headline_names`` component: a person's name in a title-cased headline ends
before the headline's verb.

In "Ben Carson Defends Himself Against Claims" or "Trump May Not Have Suggested A Muslim
Registry" every word is capitalised, and the small model runs the name into the verb:
"Ben Carson Defends", "Trump May Not Have Suggested" became speakers and entities. In a
title-cased sentence a PERSON span loses leading verbs ("Condemn Donald Trump") and is
cut at its first word tagged as a verb, auxiliary,
adverb or particle, or as a plural proper noun (the model's tag for a capitalised
"Defends"), unless the article names a person with that word elsewhere ("Elizabeth
Banks", "Theresa May"); what is left after a cut is the longest part of it the article names as a person
elsewhere ("Trump May" -> "Trump" beside "Donald Trump")."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

NAME = "headline_names"

# Tags of a word that is not part of a person's name in a title-cased sentence.
_NOT_NAME_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD", "RB"})
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
        named = _named_elsewhere(people, ent)
        start = ent.start
        while start < ent.end - 1 and _verb(doc[start], named):
            start += 1
        cut = next((t.i for t in doc[start + 1:ent.end] if _not_name(t, start, named)), ent.end)
        end = ent.end
        if cut < ent.end:
            start, end = _longest_named(doc, start, cut, named)
        if (start, end) != (ent.start, ent.end):
            ents[i] = Span(doc, start, end, label=ent.label)
            changed = True
    if changed:
        doc.ents = ents
    return doc


def _not_name(token: Token, start: int, named: set[str]) -> bool:
    """A verb, or a plural proper noun after words the article names as a person
    elsewhere ("Ben Carson Defends" beside "Ben Carson", but "Elizabeth Banks" alone is
    kept)."""
    if token.tag_ == "NNPS" and token.text not in named:
        return token.doc[start:token.i].text in named
    return _verb(token, named)


def _verb(token: Token, named: set[str]) -> bool:
    """A verb's, auxiliary's, adverb's or particle's tag, on a word no other person's name
    of the article has ("Theresa May" keeps "May")."""
    return token.text not in named and (token.tag_ in _NOT_NAME_TAGS or token.pos_ in _NOT_NAME_POS)


def _longest_named(doc: Doc, start: int, end: int, named: set[str]) -> tuple[int, int]:
    """The longest run of words in doc[start:end] the article names as a person elsewhere
    ("Condemn Donald Trump" -> "Donald Trump"), else the whole of it."""
    runs = [(a, b) for a in range(start, end) for b in range(a + 1, end + 1) if doc[a:b].text in named]
    return max(runs, key=lambda run: (run[1] - run[0], -run[0]), default=(start, end))


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
