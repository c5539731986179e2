"""The role an article gives a named mention: "Kremlin spokesman" in "Kremlin spokesman
Dmitry Peskov" (a premodifier), "Sen." in "Sen. Ted Cruz", or "the Kremlin spokesman" in
"Dmitry Peskov, the Kremlin spokesman," (an appositive). One reading for canonical
entities and quote speakers alike.

Read off spaCy's dependency parse of the mention's own tokens and their neighbours only,
so it costs a few token look-ups per mention. Honorifics ("Mr.", "Mrs.") are no role, nor
are dates and numbers. Until 2026-12 speakers had a reading of their own, which gave
honorifics as roles and pieces of compounds ("runner" for "Republican front-runner");
it differed from this one on 40 % of PolNeAR's speaker roles (2,835 of 7,033 on train).
"""

from __future__ import annotations

from spacy.tokens import Span

from newsflow.core.labels import NUMERIC_LABELS

_PREMODIFIER_DEPS = frozenset({"compound", "nmod", "amod"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})
_MAX_TOKENS = 8
# Words a role does not end on: a cut appositive's loose end ('adviser to the campaign on').
_LOOSE_ENDS = frozenset({"ADP", "DET", "PRON", "CCONJ", "SCONJ", "AUX", "PART"})


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
    while tokens and (tokens[-1].is_punct or tokens[-1].pos_ in _LOOSE_ENDS or _honorific(tokens[-1])):
        tokens.pop()  # 'lawyer at Bailey & Glasser, who', 'minister of the economy, Mr.'
    if not tokens or len(tokens) > _MAX_TOKENS:
        return None
    if any(t.ent_type_ in NUMERIC_LABELS for t in tokens):
        return None
    if not any(_word(t) and not t.ent_type_ and not _honorific(t) for t in tokens):
        return None
    return words.doc[tokens[0].i : tokens[-1].i + 1].text


def _honorific(token) -> bool:
    return token.lower_.rstrip(".") in _HONORIFICS


def _word(token) -> bool:
    """Letters, or an abbreviation of them ("Sen.", "Gov.")."""
    return token.text.removesuffix(".").isalpha()
