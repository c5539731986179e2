"""The role an article gives a named mention: "Kremlin spokesman" in "Kremlin spokesman
Dmitry Peskov" (a premodifier) or in "Dmitry Peskov, the Kremlin spokesman," (an appositive).

Read off spaCy's dependency parse of the mention's own tokens and their neighbours only,
so it costs a few token look-ups per mention. Two readings, both here:

* :func:`role_of`, a canonical entity's role: the words that describe it, without
  honorifics, dates and numbers ("Mr Lavrov" has none);
* :func:`title_of`, a quote speaker's role as written at the name: any run of nouns and
  adjectives attached to it ("Sen.", "New Jersey Gov.", "Mr."), or a short appositive.

They differ on 40 % of the speaker roles (2,835 of 7,033 on PolNeAR train, 345 of 720
on dev), neither always for the better. Most often title_of gives an honorific that
role_of drops ("Mr.", "Mrs.", "Ms.": 412 on train and dev), or a title with a stop that
role_of cannot read ("Sen.", "Rep.", "Gov."), and role_of the whole role where title_of
has a piece ("Republican front-runner" for "runner"); each misreads too ("-",
"out-brutalizing", "private email server"). One reading for both is a behaviour change
to be made on its own, with a look at which roles it gets right.
"""

from __future__ import annotations

from spacy.tokens import Span

from newsflow.core.labels import NUMERIC_LABELS

_PREMODIFIER_DEPS = frozenset({"compound", "nmod", "amod"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})
_MAX_TOKENS = 8
_TITLE_POS = frozenset({"NOUN", "PROPN", "ADJ"})


def role_of(mention: Span) -> str | None:
    """The mention's role as written in the article, or None when it is given none."""
    return _premodifier(mention) or _appositive(mention)


def _premodifier(mention: Span) -> str | None:
    doc = mention.doc
    modifiers = [
        child
        for tok in mention
        for child in tok.lefts
        if child.i < mention.start and child.dep_ in _PREMODIFIER_DEPS
    ]
    if not modifiers or doc[mention.start - 1].is_punct:
        return None
    return _described(doc[min(m.left_edge.i for m in modifiers) : mention.start])


def _appositive(mention: Span) -> str | None:
    doc = mention.doc
    root = mention.root
    after = next(
        (c for c in root.rights if c.dep_ == "appos" and c.i >= mention.end and not c.ent_type_),
        None,
    )
    if after is not None:
        end = min(after.right_edge.i + 1, after.left_edge.i + _MAX_TOKENS)
        return _described(doc[after.left_edge.i : max(end, after.i + 1)])
    head = root.head
    if root.dep_ == "appos" and head.i < mention.start and not head.ent_type_:
        return _described(doc[head.left_edge.i : mention.start])
    return None


def _described(words: Span) -> str | None:
    """The words as a role, trimmed of articles, honorifics and punctuation; None unless
    they describe (a word outside any name) and are no date or number."""
    tokens = list(words)
    while tokens and (tokens[0].is_punct or tokens[0].pos_ == "DET" or _honorific(tokens[0])):
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    if not tokens or len(tokens) > _MAX_TOKENS:
        return None
    if any(t.ent_type_ in NUMERIC_LABELS for t in tokens):
        return None
    if not any(t.is_alpha and not t.ent_type_ and not _honorific(t) for t in tokens):
        return None
    return words.doc[tokens[0].i : tokens[-1].i + 1].text


def _honorific(token) -> bool:
    return token.lower_.rstrip(".") in _HONORIFICS


def title_of(ent: Span) -> str | None:
    """The title words just before a person's name, or its appositive ("Peskov, the
    spokesman"), as a quote's speaker is given it: any run of nouns and adjectives attached
    to the name ("Sen.", "New Jersey Gov."), or an appositive of at most 8 words."""
    doc = ent.doc
    i = ent.start
    while i > 0 and doc[i - 1].pos_ in _TITLE_POS and doc[i - 1].ent_type_ != "PERSON" and i - 1 < doc[i - 1].head.i < ent.end:
        i -= 1
    if i < ent.start:
        return doc[i : ent.start].text
    appos = next((c for c in ent.root.rights if c.dep_ == "appos" and c.ent_type_ != "PERSON"), None)
    if appos is not None:
        words = doc[appos.left_edge.i : appos.right_edge.i + 1]
        if len(words) <= 8:
            return words.text.removeprefix("the ").removeprefix("The ")
    return None
