"""Attributions combined: one per content (a relaying cue over a speaker's content becomes
its outlet, two cues over the same words are one), the unsure ones only where the sure
ones leave a gap, a statement nested in another's content dropped, and 'This was
announced by Y' handing the statement before it to Y."""

from __future__ import annotations

import bisect
import heapq
import itertools

from newsflow.core.quotes.attribution import Attribution
from newsflow.core.quotes.cues import Cue
from newsflow.core.quotes.lexicon import speaking

NESTED_TWIN_OVERLAP = 0.4  # of a nested attribution with the one it sits in, chosen on train
_DEMONSTRATIVES = {"this", "that", "it"}
_RELAY_LEMMAS = {"accord", "report", "quote", "cite"}


def merge_overlaps(found: list[Attribution]) -> list[Attribution]:
    """One attribution per content: a relaying cue ("according to X", "X reported")
    over the same content as a speaker's cue becomes that attribution's outlet; two
    cues over exactly the same words ('who they would like to see') are one. A twin,
    half the union of the two at least, starts within the attribution's length before it:
    only the kept ones starting there are compared."""
    found = sorted(found, key=lambda a: -a.score)
    kept: list[Attribution] = []
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


def _twins(kept: Attribution, att: Attribution) -> bool:
    return _jaccard(kept, att) == 1.0 or (_jaccard(kept, att) >= 0.5 and _same_event(kept, att))


def _with_speaker(a: Attribution, b: Attribution) -> Attribution:
    """Of two cues on one content the one naming a speaker, over the tighter content:
    'it was noted that X, Peskov had said' is Peskov's X."""
    main, other = (a, b) if a.source is not None or b.source is None else (b, a)
    if other.end - other.start < main.end - main.start:
        main.start, main.end = other.start, other.end
    return main


def _jaccard(a: Attribution, b: Attribution) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def _is_relay(att: Attribution) -> bool:
    return att.cue is not None and att.cue.token.lemma_.lower() in _RELAY_LEMMAS


def _same_event(a: Attribution, b: Attribution) -> bool:
    """Two cues describe one statement unless one is nested in the other's content
    ("X said Y believes Z" holds two attributions)."""
    if a.cue is None or b.cue is None:
        return True
    if _is_relay(a) or _is_relay(b) or a.source is None or b.source is None:
        return True
    return a.cue.token.i not in b.cue.content and b.cue.token.i not in a.cue.content


def with_gaps_filled(found: list[Attribution], unsure: list[Attribution]) -> list[Attribution]:
    """The attributions with the unsure ones whose cue and content they leave free, sorted
    by start. Placed first, an unsure reading takes the quotation a surer one gives:
    '"Did you know?" Todd asked the mogul' is the question, not 'asked the mogul'."""
    taken = {a.cue.token.i for a in found if a.cue is not None}
    by_start = sorted(found, key=lambda a: a.start)
    starts = [a.start for a in by_start]
    reach = list(itertools.accumulate((a.end for a in by_start), max))  # furthest end so far

    def overlaps_one(u: Attribution) -> bool:
        i = bisect.bisect_left(starts, u.end)
        return i > 0 and reach[i - 1] > u.start

    free = [u for u in unsure if u.cue.token.i not in taken and not overlaps_one(u)]
    return sorted(found + free, key=lambda a: a.start)


def without_nested_twins(found: list[Attribution]) -> list[Attribution]:
    """The attributions without those that only restate part of another (see _restates).
    Only one whose content holds the other's cue can be restated: a sweep over the cues
    in text order compares each with the contents open there."""
    by_start = sorted(found, key=lambda a: a.start)
    cues = sorted((a.cue.token.idx, k) for k, a in enumerate(found) if a.cue is not None)
    open_here: list[tuple[int, int, Attribution]] = []  # (end, order, attribution): a heap
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


def _restates(inner: Attribution, outer: Attribution) -> bool:
    """'He said he hopes "somebody takes up the cause"': an attribution whose cue lies in
    another's content, over much the same words or within them, is part of that
    statement; PolNeAR keeps the outer one (on train such inner ones are right a quarter
    of the time). A participle's statement stays ('he said, adding that ...')."""
    if not _cue_within(inner, outer) or _cue_within(outer, inner):
        return False
    within = outer.start <= inner.start and inner.end <= outer.end and inner.cue.token.tag_ != "VBG"
    return within or _jaccard(outer, inner) >= NESTED_TWIN_OVERLAP


def _cue_within(att: Attribution, other: Attribution) -> bool:
    return att.cue is not None and other.start <= att.cue.token.idx < other.end


def credit_demonstratives(found: list[Attribution], cues: list[Cue]) -> None:
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
