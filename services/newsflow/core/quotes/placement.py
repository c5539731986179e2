"""Quotations no cue's content reached: each joins a neighbouring attribution (a split
quote, a quote resuming after its tag), takes a cue beside it (a tag, a colon, a signed
name), runs on from the paragraph before, continues the statement before it, or is left
out (a title, a scare quote, a quote nobody can be said to speak)."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from newsflow.core.quotes.attribution import Attribution
from newsflow.core.quotes.cues import Cue, colon_cue, signed_colon_cue, tag_cue
from newsflow.core.quotes.index import ByStart, CuesInOrder, TextIndex
from newsflow.core.quotes.lexicon import MIN_PRECISION, frame_precision, speaking
from newsflow.core.quotes.tokens import word_before

MIN_QUOTE_WORDS = 4  # shorter ones are mostly scare quotes, unless their cue touches them
_CLOSERS = {'"', "”", "'"}
_SPEECH_PREPOSITIONS = {"as", "like", "that"}  # 'described it as "frank"', 'said that "..."'


def add_bare_quotes(
    doc: Doc, text: str, index: TextIndex, found: list[Attribution], marks: list[tuple[int, int]],
    cues: CuesInOrder,
) -> list[Attribution]:
    """The attributions with the quotations no cue's content reached placed among them
    (see _place_quote), sorted by start."""
    out = ByStart(found)
    for m_start, m_end in marks:
        i = out.insertion_point(m_start)
        prev = out[i - 1] if i else None
        nxt = out[i] if i < len(out) else None
        if (prev is not None and prev.end >= m_end) or (nxt is not None and nxt.start < m_end):
            continue
        neighbours = (_before_asides(out, i), nxt)
        # the attributions a quote may join, and so move the start of
        joinable = {id(a): (a, a.start) for a in (*neighbours, out.before(m_start)) if a is not None}
        att = _place_quote(doc, text, index, neighbours, out, m_start, m_end, cues)
        for a, start in joinable.values():
            out.moved(a, start)
        if att is not None:
            out.insert(att)
    return out.items


def _before_asides(found: ByStart, i: int) -> Attribution | None:
    """The attribution before position i, past those inside the tag of a quote before
    them: in '"A," Trump said, referring to Cruz. "B."' B may resume A."""
    j = i - 1
    while j > 0 and _in_tag_of(found[j], found[j - 1]):
        j -= 1
    return found[j] if j >= 0 else None


def _in_tag_of(aside: Attribution, quote: Attribution) -> bool:
    """Whether an attribution lies in the sentence of the cue that follows a quote."""
    if quote.cue is None or aside.cue is None:
        return False
    tag = quote.cue.token
    return quote.end <= tag.idx <= aside.start and aside.cue.token.sent == tag.sent


def _place_quote(
    doc: Doc,
    text: str,
    index: TextIndex,
    neighbours: tuple[Attribution | None, Attribution | None],
    found: ByStart,
    start: int,
    end: int,
    cues: CuesInOrder,
) -> Attribution | None:
    """A new attribution for the quotation [start, end), or None when it joins a neighbour
    or is no speech. The next quote after a cue clause, or one whose cue already holds the
    quote beside it, joins that attribution ('"A," he said. "B."' is one attribution); a
    quote with a speaking cue beside it in its sentence takes that cue; a quote opening the
    paragraph after a tagged or open quote runs on that one; any other quote opening a
    sentence continues the attribution just before it (see _last_speaker). A short quote
    is speech only when its cue touches it."""
    prev, nxt = neighbours
    short = len(text[start:end].split()) < MIN_QUOTE_WORDS
    if short and _names_something(doc, start):
        return None
    resumable = not short or _opens_sentence(text, start) or _after_comma(text, start)
    if resumable and prev is not None and prev.cue is not None and _resumes(doc, index, prev, start, cues):
        _join(index, prev, start, end)
        return None
    cue = _cue_beside(doc, text, index, start, end, cues)
    same_cue = next((a for a in neighbours if a is not None and cue is not None and a.cue is cue), None)
    if same_cue is not None and resumable:  # '"A," X said, "B."' with only B the cue's clause
        _join(index, same_cue, start, end)
        return None
    if cue is not None and (not short or _next_to(doc, cue, start, end)):
        return Attribution(start, end, cue, max(frame_precision(cue), MIN_PRECISION))
    if short or not _opens_sentence(text, start):
        return None
    runs_on = _runs_on(text, index, found, start)
    if runs_on is not None:
        runs_on.end = end
        return None
    owner = _last_speaker(index, found, start)
    if owner is None:
        return None
    last = found.before(start)
    if last is owner:  # 'X said that A. "B."' is one statement, as PolNeAR annotates it
        _join(index, last, start, end)
        return None
    att = Attribution(start, end, None, 0.5)
    att.inherited = owner
    return att


def _cue_beside(doc: Doc, text: str, index: TextIndex, start: int, end: int, cues: CuesInOrder) -> Cue | None:
    """The nearest cue with a source in the sentences the quote touches, outside the quote
    and in its paragraph: 'X said: "..."', '"...," said X, the senator.'; else the clause
    a colon right before the quote closes, even in the paragraph before. A name signed
    before that colon comes first (see signed_colon_cue)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    lo, hi = span[0].sent.start, span[-1].sent.end
    before = word_before(doc, span.start)
    colon = doc[before] if before >= 0 and doc[before].text.endswith(":") else None  # '):' too
    if colon is not None:
        lo = colon.sent.start
        signed = signed_colon_cue(colon)
        if signed is not None:
            return signed
    para_lo = index.paragraph_start(start)
    para_hi = index.paragraph_end(end)
    near = [
        c for c in cues.in_tokens(lo, hi)
        if c.source is not None and "-quoted" not in c.frame
        and not start <= c.token.idx < end and para_lo <= c.token.idx < max(para_hi, end)
        and speaking(c.token)
    ]
    best = min(near, key=lambda c: min(abs(c.token.idx - start), abs(c.token.idx - end)), default=None)
    return best or _tag_after(span, cues) or tag_cue(span) or (colon_cue(colon) if colon is not None else None)


def _names_something(doc: Doc, start: int) -> bool:
    """'on NBC's "Meet the Press"', 'in "Bridge of Spies"': a short quote after a
    preposition or a possessive is a title or a term, not speech."""
    before = doc.char_span(start, start + 1, alignment_mode="expand")
    i = word_before(doc, before.start) if before is not None else -1
    if i < 0:
        return False
    word = doc[i]
    return (word.pos_ == "ADP" and word.lower_ not in _SPEECH_PREPOSITIONS) or word.tag_ == "POS"


def _next_to(doc: Doc, cue: Cue, start: int, end: int) -> bool:
    """Whether the cue clause touches the quote: '"Really," she added', 'Wallace asked,
    "With nukes?"'. Even a word or two quoted that way is speech, not a scare quote."""
    quote = doc.char_span(start, end, alignment_mode="expand")
    clause = (min(cue.token.i, cue.source[0]), max(cue.token.i + 1, cue.source[1]))
    if clause[0] == quote.end:
        return True
    return clause[1] <= quote.start and all(t.is_punct or t.is_space for t in doc[clause[1] : quote.start])


def _tag_after(quote: Span, cues: CuesInOrder) -> Cue | None:
    """'"Is it all a show?" Freddy Ortega said.': the parser ends the sentence at the
    quote's '?' or '.', leaving the speaker tag as a sentence of its own right after it.
    A tag is a speaking cue opening that sentence with its speaker and no clause of its
    own ('"A." He said the plan would fail.' is a new attribution)."""
    after = quote.end
    doc = quote.doc
    if after < len(doc) and doc[after].is_space and "\n" not in doc[after].text:
        after += 1  # a no-break or second space is a token of its own
    if after >= len(doc) or doc[after].is_space or doc[after].sent.start != after:
        return None
    tag = doc[after].sent
    return next(
        (
            c for c in cues.in_tokens(tag.start, tag.end)
            if c.source is not None and speaking(c.token)
            and min(c.source[0], c.token.i) == tag.start and not c.frame.startswith("ccomp")
        ),
        None,
    )


def _resumes(doc: Doc, index: TextIndex, prev: Attribution, start: int, cues: CuesInOrder) -> bool:
    """A quote resuming right after its cue clause in the same paragraph: '"A," he said.
    "B."' is one attribution, as PolNeAR annotates it (as two fragments); not when
    someone else speaks in between ('"A," Franken said. Silverman responded, "B."')."""
    if index.has_newline(prev.end, start) or not prev.end <= doc[prev.cue.cue[0]].idx < start:
        return False
    return not any(_someone_else(c, prev) for c in cues.in_chars(prev.end, start))


def _someone_else(cue: Cue, att: Attribution) -> bool:
    """A speaking cue of its own sentence with another speaker than the attribution's."""
    own = att.cue
    return (
        cue.source is not None and speaking(cue.token) and cue.token.sent != own.token.sent
        and (att.source is None or cue.source[1] <= att.source[0] or cue.source[0] >= att.source[1])
    )


def _join(index: TextIndex, att: Attribution, start: int, end: int) -> None:
    """One span for the attribution and the fragment [start, end) on either side of it,
    unless the cue clause between them outweighs the smaller one: then the larger
    fragment alone."""
    (a_start, a_end), (b_start, b_end) = sorted([(att.start, att.end), (start, end)])
    first, second = index.solid(a_start, a_end), index.solid(b_start, b_end)
    joined = (first + second) / (first + second + index.solid(a_end, b_start))
    if joined >= max(first, second) / (first + second):
        att.start, att.end = a_start, b_end
    elif index.solid(start, end) > index.solid(att.start, att.end):
        att.start, att.end = start, end


def _after_comma(text: str, start: int) -> bool:
    """Whether the last character before ``start`` that is not whitespace is a comma."""
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and text[i] == ","


def _opens_sentence(text: str, start: int) -> bool:
    """Whether a quote starts a sentence or paragraph (a stray '."' included)."""
    before = text[max(0, start - 3) : start].rstrip(" \t\xa0")
    return not before or before[-1] in ".!?\n:"


def _runs_on(text: str, index: TextIndex, found: ByStart, start: int) -> Attribution | None:
    """The attribution a quote opening the next paragraph runs on: one the previous
    paragraph left open (the convention for a quote running over paragraphs) or closed by
    its speaker tag ('"A," he said.' then '"B."'). PolNeAR annotates all the paragraphs as
    one content."""
    last = found.before(start)
    if last is None or (last.inherited or last).source is None:
        return None
    if index.paragraph_breaks(last.end, start) != 1:
        return None
    closed = text[last.end - 1 : last.end] in _CLOSERS
    left_open = not closed and not index.solid(last.end, start)
    tagged = closed and last.cue is not None and last.end <= last.cue.token.idx < start
    return last if left_open or tagged else None


def _last_speaker(index: TextIndex, found: ByStart, before: int) -> Attribution | None:
    """The attribution a continuation quote belongs to: the one just before it, if it has a
    speaker and is in the quote's paragraph, or the one of a later speaking cue ('Many saw
    them as "A," From said. "B."' is From's). Otherwise the quote is left out: on PolNeAR
    train a speaker guessed from further back is wrong about half the time."""
    last = found.before(before)
    if last is None or index.paragraph_breaks(last.end, before):
        return None
    owner = last.inherited or last
    latest = found.latest_spoken(before)
    if latest is not None and speaking(latest.cue.token) and latest.cue.token.idx > _cue_at(owner):
        return latest
    return owner if owner.source is not None else None


def _cue_at(att: Attribution) -> int:
    return att.cue.token.idx if att.cue is not None else -1
