"""Attributions (who said what) in a parsed article: direct quotes, partial and mixed
quotes, and reported speech, each with its speaker, cue and relaying outlet."""

from __future__ import annotations

import bisect
import heapq
import itertools

from spacy.tokens import Doc, Span

from newsflow.core.quotes.cues import (
    Cue,
    colon_cue,
    find_cues,
    frame_precision,
    signed_colon_cue,
    speaking,
    tag_cue,
    word_before,
)
from newsflow.core.quotes.index import ByStart, CuesInOrder, TextIndex
from newsflow.core.quotes.marks import quoted_spans
from newsflow.core.entities.speakers import Speakers

MIN_PRECISION = 0.35
SURE_PRECISION = 0.4  # below it a cue's attribution only fills a gap the others leave; chosen on train
NESTED_TWIN_OVERLAP = 0.4  # of a nested attribution with the one it sits in, chosen on train
MIN_QUOTE_WORDS = 4  # shorter ones are mostly scare quotes, unless their cue touches them
_CLOSERS = {'"', "”", "'"}
_MARKS = set('"“”\'‘’')
_DASHES = set("-–—")
_DEMONSTRATIVES = {"this", "that", "it"}
_RELAY_LEMMAS = {"accord", "report", "quote", "cite"}
_SPEECH_PREPOSITIONS = {"as", "like", "that"}  # 'described it as "frank"', 'said that "..."'
_RELAY_BY_LEMMAS = {"report", "quote", "cite", "note", "publish"}


def extract_quotes(doc: Doc) -> list[dict]:
    """Attributions in ``doc`` as JSON-ready dicts with char offsets into ``doc.text``,
    sorted by start."""
    text = doc.text  # built anew on every access: read once
    marks = quoted_spans(text)
    index = TextIndex(text)
    found = []
    cues = [c for c in find_cues(doc, marks) if not _said_by_that(doc, c)]
    for cue in cues:
        score = frame_precision(cue)
        if score >= MIN_PRECISION and cue.content:
            found.append(_Attribution(*content_span(doc, text, cue, marks, index), cue, score))
    unsure = _merge_overlaps([a for a in found if a.score < SURE_PRECISION])
    found = _merge_overlaps([a for a in found if a.score >= SURE_PRECISION])
    _credit_demonstratives(found, cues)
    found = _add_bare_quotes(doc, text, index, found, marks, CuesInOrder(cues))
    found = _without_nested_twins(_with_gaps_filled(found, unsure))
    people = Speakers(doc)
    return [a.to_dict(doc, text, index, marks, people) for a in sorted(found, key=lambda a: (a.start, a.end))]


class _Attribution:
    """A content span with the cue it came from (None for a continuation quote)."""

    def __init__(self, start: int, end: int, cue: Cue | None, score: float):
        self.start, self.end, self.cue, self.score = start, end, cue, score
        self.source = cue.source if cue else None
        self.via: tuple[int, int] | None = _relay_by(cue.token) if cue else None
        self.inherited: _Attribution | None = None

    def to_dict(self, doc: Doc, text: str, index: TextIndex, marks: list[tuple[int, int]], people: Speakers) -> dict:
        source = self.source
        if source is None and self.inherited is not None:
            source = self.inherited.source
            speaker_at = self.inherited
        else:
            speaker_at = self
        speaker = None
        if source is not None:
            span = doc[source[0] : source[1]]
            name, role = people.resolve(span)
            speaker = {**_chars(text, span.start_char, span.end_char), "name": name, "role": role}
        cue = None
        if self.cue is not None:
            c = doc[self.cue.cue[0] : self.cue.cue[1]]
            cue = _chars(text, c.start_char, c.end_char)
        via = speaker_at.via
        via_dict = None
        if via is not None:
            span = doc[via[0] : via[1]]
            name = people.resolve(span)[0]
            if speaker is None or name != speaker["name"]:
                via_dict = {**_chars(text, span.start_char, span.end_char), "name": name}
        return {
            **_chars(text, self.start, self.end),
            "type": _type(index, self.start, self.end, marks),
            "quoted": [_chars(text, a, b) for a, b in _verbatim(text, self.start, self.end, marks)],
            "speaker": speaker,
            "cue": cue,
            "via": via_dict,
            "confidence": round(self.score, 3),
        }


def _said_by_that(doc: Doc, cue: Cue) -> bool:
    """'That said, ...' and 'a hat that says ...': a cue whose speaker would be the word
    'that' reports nobody's words (on PolNeAR train such attributions are right 23 % of
    the time)."""
    return cue.source is not None and cue.source[1] - cue.source[0] == 1 and doc[cue.source[0]].lower_ == "that"


def _with_gaps_filled(found: list[_Attribution], unsure: list[_Attribution]) -> list[_Attribution]:
    """The attributions with the unsure ones whose cue and content they leave free, sorted
    by start. Placed first, an unsure reading takes the quotation a surer one gives:
    '"Did you know?" Todd asked the mogul' is the question, not 'asked the mogul'."""
    taken = {a.cue.token.i for a in found if a.cue is not None}
    by_start = sorted(found, key=lambda a: a.start)
    starts = [a.start for a in by_start]
    reach = list(itertools.accumulate((a.end for a in by_start), max))  # furthest end so far

    def overlaps_one(u: _Attribution) -> bool:
        i = bisect.bisect_left(starts, u.end)
        return i > 0 and reach[i - 1] > u.start

    free = [u for u in unsure if u.cue.token.i not in taken and not overlaps_one(u)]
    return sorted(found + free, key=lambda a: a.start)


def _chars(text: str, start: int, end: int) -> dict:
    return {"text": text[start:end], "start": start, "end": end}


def _end(doc: Doc, i: int) -> int:
    return doc[i].idx + len(doc[i])


def content_span(
    doc: Doc, text: str, cue: Cue, marks: list[tuple[int, int]], index: TextIndex | None = None
) -> tuple[int, int]:
    """A cue's content in chars, grown to the whole quotations it overlaps: a parse clause
    stops at the first sentence of a multi-sentence quote, the quote itself does not. A
    content on both sides of its cue keeps only the quoted side when one side is quoted,
    and ends at its last quote when that closes on a comma (see _tail_is_aside).
    ``index`` is the text's, for a caller that asks for many cues of one text."""
    index = index or TextIndex(text)
    sides = [
        [i for i in cue.content if i < cue.token.i],
        [i for i in cue.content if i > cue.token.i],
    ]
    sides = [side for side in sides if side]
    quoted = [side for side in sides if _type(index, doc[side[0]].idx, _end(doc, side[-1]), marks) == "direct"]
    if len(sides) == 2 and len(quoted) == 1:  # '"A," said X, who ...': the quote, not X
        sides = quoted
    elif len(quoted) == 2 and not _resumes_at(doc, cue, sides[1][0]):  # 'X said after a brief "sorry"'
        sides = sides[:1]
    start, end = doc[sides[0][0]].idx, _end(doc, sides[-1][-1])
    inner = _overlapping(marks, start, end)
    for m_start, m_end in inner:
        start, end = min(start, m_start), max(end, m_end)
    if inner and (_tail_is_aside(text, inner[-1][1], end) or _dash_after(text, index, start, inner[-1][1], end)):
        end = inner[-1][1]
    return start, end


def _resumes_at(doc: Doc, cue: Cue, first: int) -> bool:
    """Whether content after a cue resumes the quote as the second half of a split quote
    does: right after the tag ('said "B') or after a comma or colon closing it ('said on
    Tuesday, "B'), not inside a phrase ('said after a brief "sorry"')."""
    tag_end = max(cue.token.i, cue.source[1] - 1 if cue.source else cue.token.i)
    before = word_before(doc, first)
    return before <= tag_end or doc[before].text in (",", ":")


def _tail_is_aside(text: str, quote_end: int, end: int) -> bool:
    """'he has "expanded the party," claiming that ...': what follows a quote closed on a
    comma (before or after its mark, the NYT's '' included) is the reporter's gloss,
    which PolNeAR leaves out of the content."""
    return end > quote_end and "," in text[quote_end - 3 : quote_end + 1]


def _dash_after(text: str, index: TextIndex, start: int, quote_end: int, end: int) -> bool:
    """'Bush is "not smart enough to win" — and more': a dash after the content's last
    quote opens the reporter's aside to its end, unless it closes one the content opened
    before ('a referendum — "No to Free Lawyers" — for June 5') or the aside closes with
    another and the clause goes on ('"every candidate" - including Cruz - favored')."""
    tail = text[quote_end:end].lstrip()
    if tail[:1] not in _DASHES or index.has_dash(start, quote_end):
        return False
    return not any(c in _DASHES for c in tail.lstrip("".join(_DASHES)))


def _overlapping(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    i = bisect.bisect_left(spans, (start, -1))
    if i > 0:
        i -= 1
    out = []
    while i < len(spans) and spans[i][0] < end:
        if spans[i][1] > start:
            out.append(spans[i])
        i += 1
    return out


def _verbatim(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The words inside quotation marks within the content, marks left out: what was said
    word for word, one span per quotation ('"A," he said. "B."' is one attribution with
    two), for consumers that show or count the verbatim fragments."""
    spans = []
    for a, b in _overlapping(marks, start, end):
        a, b = max(a, start), min(b, end)
        while a < b and (text[a] in _MARKS or text[a].isspace()):
            a += 1
        while b > a and (text[b - 1] in _MARKS or text[b - 1].isspace()):
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def _type(index: TextIndex, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """direct when quotation marks cover at least half the content's non-space characters
    (PolNeAR's definition), mixed when some of them."""
    inside = sum(index.solid(max(start, a), min(end, b)) for a, b in _overlapping(marks, start, end))
    if inside == 0:
        return "indirect"
    return "direct" if inside >= 0.5 * index.solid(start, end) else "mixed"


def _jaccard(a: _Attribution, b: _Attribution) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def _merge_overlaps(found: list[_Attribution]) -> list[_Attribution]:
    """One attribution per content: a relaying cue ("according to X", "X reported")
    over the same content as a speaker's cue becomes that attribution's outlet; two
    cues over exactly the same words ('who they would like to see') are one. A twin,
    half the union of the two at least, starts within the attribution's length before it:
    only the kept ones starting there are compared."""
    found = sorted(found, key=lambda a: -a.score)
    kept: list[_Attribution] = []
    by_start: list[tuple[int, int]] = []  # (start, position in kept), sorted
    for att in found:
        near = bisect.bisect_left(by_start, (2 * att.start - att.end, -1))
        candidates = sorted(k for _, k in by_start[near : bisect.bisect_left(by_start, (att.end, -1))])
        twin_at = next((k for k in candidates if _twins(kept[k], att)), None)
        if twin_at is None:
            bisect.insort(by_start, (att.start, len(kept)))
            kept.append(att)
            continue
        twin = kept[twin_at]
        del by_start[bisect.bisect_left(by_start, (twin.start, twin_at))]
        if _is_relay(att) or _is_relay(twin):
            relay, main = (att, twin) if _is_relay(att) or not _is_relay(twin) else (twin, att)
            if main.via is None:
                main.via = relay.cue.source
        else:
            main = _with_speaker(twin, att)
        kept[twin_at] = main
        bisect.insort(by_start, (main.start, twin_at))
    return kept


def _twins(kept: _Attribution, att: _Attribution) -> bool:
    return _jaccard(kept, att) == 1.0 or (_jaccard(kept, att) >= 0.5 and _same_event(kept, att))


def _with_speaker(a: _Attribution, b: _Attribution) -> _Attribution:
    """Of two cues on one content the one naming a speaker, over the tighter content:
    'it was noted that X, Peskov had said' is Peskov's X."""
    main, other = (a, b) if a.source is not None or b.source is None else (b, a)
    if other.end - other.start < main.end - main.start:
        main.start, main.end = other.start, other.end
    return main


def _without_nested_twins(found: list[_Attribution]) -> list[_Attribution]:
    """The attributions without those that only restate part of another (see _restates).
    Only one whose content holds the other's cue can be restated: a sweep over the cues
    in text order compares each with the contents open there."""
    by_start = sorted(found, key=lambda a: a.start)
    cues = sorted((a.cue.token.idx, k) for k, a in enumerate(found) if a.cue is not None)
    open_here: list[tuple[int, int, _Attribution]] = []  # (end, order, attribution): a heap
    nested = set()
    opened = 0
    for at, k in cues:
        while opened < len(by_start) and by_start[opened].start <= at:
            heapq.heappush(open_here, (by_start[opened].end, opened, by_start[opened]))
            opened += 1
        while open_here and open_here[0][0] <= at:
            heapq.heappop(open_here)
        inner = found[k]
        if any(outer is not inner and _restates(inner, outer) for _, _, outer in open_here):
            nested.add(id(inner))
    return [a for a in found if id(a) not in nested]


def _restates(inner: _Attribution, outer: _Attribution) -> bool:
    """'He said he hopes "somebody takes up the cause"': an attribution whose cue lies in
    another's content, over much the same words or within them, is part of that
    statement; PolNeAR keeps the outer one (on train such inner ones are right a quarter
    of the time). A participle's statement stays ('he said, adding that ...')."""
    if not _cue_within(inner, outer) or _cue_within(outer, inner):
        return False
    within = outer.start <= inner.start and inner.end <= outer.end and inner.cue.token.tag_ != "VBG"
    return within or _jaccard(outer, inner) >= NESTED_TWIN_OVERLAP


def _cue_within(att: _Attribution, other: _Attribution) -> bool:
    return att.cue is not None and other.start <= att.cue.token.idx < other.end


def _credit_demonstratives(found: list[_Attribution], cues: list[Cue]) -> None:
    """'X is ready to talk, Izvestia reported. This was announced by Dmitry Peskov.': the
    statement just before 'this was announced by Y' is Y's, relayed by its first
    reporter."""
    by_end = sorted((a.end, k) for k, a in enumerate(found) if a.cue is not None)
    for cue in cues:
        tok = cue.token
        if cue.source is None or not speaking(tok):
            continue
        if not any(c.dep_ == "nsubjpass" and c.lower_ in _DEMONSTRATIVES for c in tok.children):
            continue
        ended = bisect.bisect_right(by_end, (tok.sent.start_char, len(found)))
        if not ended:
            continue
        last = found[by_end[bisect.bisect_left(by_end, (by_end[ended - 1][0], -1))][1]]  # the first to end last
        if last.cue.token.sent.end == tok.sent.start:  # the sentence right before
            last.via = last.via or last.source
            last.source = cue.source


def _relay_by(tok) -> tuple[int, int] | None:
    """The outlet named in the cue's sentence as '(as) quoted/noted by X' or 'a report by
    X', in the cue's paragraph."""
    sent = tok.sent
    words = [w for w in sent if w.i > tok.i and w.is_space and "\n" in w.text]
    lo = max((w.i for w in sent if w.i < tok.i and w.is_space and "\n" in w.text), default=sent.start)
    hi = words[0].i if words else sent.end
    for word in tok.doc[lo:hi]:
        if word.lemma_.lower() in _RELAY_BY_LEMMAS and word is not tok:
            for by in word.children:
                if by.dep_ in ("agent", "prep") and by.lower_ == "by":
                    obj = next((c for c in by.children if c.dep_ == "pobj"), None)
                    if obj is not None:
                        return (obj.left_edge.i, obj.i + 1)
    return None


def _is_relay(att: _Attribution) -> bool:
    return att.cue is not None and att.cue.token.lemma_.lower() in _RELAY_LEMMAS


def _same_event(a: _Attribution, b: _Attribution) -> bool:
    """Two cues describe one statement unless one is nested in the other's content
    ("X said Y believes Z" holds two attributions)."""
    if a.cue is None or b.cue is None:
        return True
    if _is_relay(a) or _is_relay(b) or a.source is None or b.source is None:
        return True
    return a.cue.token.i not in b.cue.content and b.cue.token.i not in a.cue.content


def _add_bare_quotes(
    doc: Doc, text: str, index: TextIndex, found: list[_Attribution], marks: list[tuple[int, int]],
    cues: CuesInOrder,
) -> list[_Attribution]:
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


def _before_asides(found: ByStart, i: int) -> _Attribution | None:
    """The attribution before position i, past those inside the tag of a quote before
    them: in '"A," Trump said, referring to Cruz. "B."' B may resume A."""
    j = i - 1
    while j > 0 and _in_tag_of(found[j], found[j - 1]):
        j -= 1
    return found[j] if j >= 0 else None


def _in_tag_of(aside: _Attribution, quote: _Attribution) -> bool:
    """Whether an attribution lies in the sentence of the cue that follows a quote."""
    if quote.cue is None or aside.cue is None:
        return False
    tag = quote.cue.token
    return quote.end <= tag.idx <= aside.start and aside.cue.token.sent == tag.sent


def _place_quote(
    doc: Doc,
    text: str,
    index: TextIndex,
    neighbours: tuple[_Attribution | None, _Attribution | None],
    found: ByStart,
    start: int,
    end: int,
    cues: CuesInOrder,
) -> _Attribution | None:
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
        return _Attribution(start, end, cue, max(frame_precision(cue), MIN_PRECISION))
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
    att = _Attribution(start, end, None, 0.5)
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


def _resumes(doc: Doc, index: TextIndex, prev: _Attribution, start: int, cues: CuesInOrder) -> bool:
    """A quote resuming right after its cue clause in the same paragraph: '"A," he said.
    "B."' is one attribution, as PolNeAR annotates it (as two fragments); not when
    someone else speaks in between ('"A," Franken said. Silverman responded, "B."')."""
    if index.has_newline(prev.end, start) or not prev.end <= doc[prev.cue.cue[0]].idx < start:
        return False
    return not any(_someone_else(c, prev) for c in cues.in_chars(prev.end, start))


def _someone_else(cue: Cue, att: _Attribution) -> bool:
    """A speaking cue of its own sentence with another speaker than the attribution's."""
    own = att.cue
    return (
        cue.source is not None and speaking(cue.token) and cue.token.sent != own.token.sent
        and (att.source is None or cue.source[1] <= att.source[0] or cue.source[0] >= att.source[1])
    )


def _join(index: TextIndex, att: _Attribution, start: int, end: int) -> None:
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


def _runs_on(text: str, index: TextIndex, found: ByStart, start: int) -> _Attribution | None:
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


def _last_speaker(index: TextIndex, found: ByStart, before: int) -> _Attribution | None:
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


def _cue_at(att: _Attribution) -> int:
    return att.cue.token.idx if att.cue is not None else -1
