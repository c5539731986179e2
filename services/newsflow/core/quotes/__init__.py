"""Attributions (who said what) in a parsed article: direct quotes, partial and mixed
quotes, and reported speech, each with its speaker, cue and relaying outlet.

:func:`extract_quotes` is the list of stages, one module each; a new rule goes to the
stage whose question it answers:

* :mod:`.marks` where quotation marks open and close (raw text, no parse);
* :mod:`.cues` which words report speech and in what frame (the lexicon's words, a
  headline or transcript speaker, a colon or a speaker tag beside a quote), with the
  mined figures in :mod:`.lexicon` (``data/quote_*.json``) and each candidate's learned
  score in :mod:`.scorer`;
* :mod:`.sources` who speaks: the source span of a cue in the parse, and the outlet that
  relays it;
* :mod:`.content` what was said: a cue's content tokens and characters, their trims, and
  the quote's type (direct, mixed, indirect);
* :mod:`.merging` attributions combined: overlapping, nested and relayed ones, unsure
  ones filling gaps;
* :mod:`.placement` the quotations no cue reached: joined, continued or left out;
* whom a speaker span names (pronouns, surnames, roles) is the entities' business:
  :mod:`newsflow.core.entities.speakers`.

:mod:`.attribution` is the record the stages pass along and its JSON form;
:mod:`.index` and :mod:`.tokens` the lookups they share. The PolNeAR mining, evaluation
and error scripts are in bench/quotes/.
"""

from __future__ import annotations

from spacy.tokens import Doc

from newsflow.core.entities.speakers import Speakers
from newsflow.core.quotes.attribution import Attribution
from newsflow.core.quotes import scorer
from newsflow.core.quotes.content import content_span, quote_type, verbatim
from newsflow.core.quotes.cues import find_cues, reports_nobody
from newsflow.core.quotes.index import CuesInOrder, TextIndex
from newsflow.core.quotes.lexicon import MIN_PRECISION, SURE_PRECISION
from newsflow.core.quotes.marks import quoted_spans
from newsflow.core.quotes.merging import credit_demonstratives, merge_overlaps, with_gaps_filled, without_nested_twins
from newsflow.core.quotes.placement import add_bare_quotes

__all__ = ["extract_quotes", "quotations"]


def extract_quotes(doc: Doc) -> list[dict]:
    """Attributions in ``doc`` as JSON-ready dicts with char offsets into ``doc.text``,
    sorted by start."""
    text = doc.text  # built anew on every access: read once
    marks = quoted_spans(text)
    index = TextIndex(text)
    found = []
    cues = [c for c in find_cues(doc, marks) if not reports_nobody(doc, c)]
    for cue in cues:
        if not cue.content:
            continue
        start, end = content_span(doc, text, cue, marks, index)
        score = scorer.score(doc, cue, quote_type(index, start, end, marks))
        if score >= MIN_PRECISION:
            found.append(Attribution(start, end, cue, score))
    unsure = merge_overlaps([a for a in found if a.score < SURE_PRECISION])
    found = merge_overlaps([a for a in found if a.score >= SURE_PRECISION])
    credit_demonstratives(found, cues)
    found = add_bare_quotes(doc, text, index, found, marks, CuesInOrder(cues))
    found = without_nested_twins(with_gaps_filled(found, unsure))
    people = Speakers(doc)
    return [a.to_dict(doc, text, index, marks, people) for a in sorted(found, key=lambda a: (a.start, a.end))]


def quotations(text: str) -> list[dict]:
    """The quotations of a text in a language the cues are not written for: each span in
    quotation marks (:mod:`.marks`: „…“ and «…» too) a direct quote, its speaker, cue
    and relaying outlet unknown, rather than guessed."""
    marks = quoted_spans(text)
    return [
        {"text": text[start:end], "start": start, "end": end, "type": "direct",
         "quoted": [{"text": text[a:b], "start": a, "end": b} for a, b in verbatim(text, start, end, marks)],
         "speaker": None, "cue": None, "via": None, "confidence": MIN_PRECISION}
        for start, end in marks
    ]
