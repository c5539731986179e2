"""What was said: a cue's content, as tokens (the clause it reports, in the cue's paragraph,
without the reporter's asides) and as characters (grown to the whole quotations it
overlaps, cut where the reporter's gloss begins), and what kind of quote it is (direct,
mixed, indirect) with its word-for-word fragments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from newsflow.core.quotes.index import TextIndex
from newsflow.core.quotes.tokens import EDGE_JUNK, word_before
from newsflow.core.spans import overlapping

if TYPE_CHECKING:
    from newsflow.core.quotes.cues import Cue

_ASIDES = {"relcl", "advcl"}
_MARKS = set('"“”„«»‹›\'‘’')
_DASHES = set("-–—")


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
    quoted = [side for side in sides if quote_type(index, doc[side[0]].idx, _end(doc, side[-1]), marks) == "direct"]
    if len(sides) == 2 and len(quoted) == 1:  # '"A," said X, who ...': the quote, not X
        sides = quoted
    elif len(quoted) == 2 and not _resumes_at(doc, cue, sides[1][0]):  # 'X said after a brief "sorry"'
        sides = sides[:1]
    start, end = doc[sides[0][0]].idx, _end(doc, sides[-1][-1])
    inner = overlapping(marks, start, end)
    for m_start, m_end in inner:
        start, end = min(start, m_start), max(end, m_end)
    if inner and (_tail_is_aside(text, inner[-1][1], end) or _dash_after(text, index, start, inner[-1][1], end)):
        end = inner[-1][1]
    return start, end


def _end(doc: Doc, i: int) -> int:
    return doc[i].idx + len(doc[i])


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


def verbatim(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The words inside quotation marks within the content, marks left out: what was said
    word for word, one span per quotation ('"A," he said. "B."' is one attribution with
    two), for consumers that show or count the verbatim fragments."""
    spans = []
    for a, b in overlapping(marks, start, end):
        a, b = max(a, start), min(b, end)
        while a < b and (text[a] in _MARKS or text[a].isspace()):
            a += 1
        while b > a and (text[b - 1] in _MARKS or text[b - 1].isspace()):
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def quote_type(index: TextIndex, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """direct when quotation marks cover at least half the content's non-space characters
    (PolNeAR's definition), mixed when some of them."""
    inside = sum(index.solid(max(start, a), min(end, b)) for a, b in overlapping(marks, start, end))
    if inside == 0:
        return "indirect"
    return "direct" if inside >= 0.5 * index.solid(start, end) else "mixed"


def clause_content(tok: Token, para: list[int], idx: list[int]) -> tuple[int, ...]:
    """The content tokens in the cue's own paragraph (the parser's sentences can run over a
    line break, an attribution does not), without asides and edge punctuation."""
    own = para[tok.i]
    return trim(tok.doc, _without_asides(tok.doc, [i for i in idx if para[i] == own]))


def _without_asides(doc: Doc, idx: list[int]) -> list[int]:
    """The content cut before a comma-led relative or adverbial clause that ends it
    ('..., which was ...', '..., while Republicans ...'): the reporter's aside, not the
    source's words (as PolNeAR annotates). Quoted asides stay."""
    for i in idx:
        tok = doc[i]
        edge = tok.left_edge.i
        if tok.dep_ in _ASIDES and edge > 0 and doc[edge - 1].text == "," and tok.right_edge.i >= idx[-1]:
            if not any(doc[j].is_quote for j in range(edge, tok.right_edge.i + 1)):
                return [j for j in idx if j < edge - 1]
    return idx


def trim(doc: Doc, idx: list[int]) -> tuple[int, ...]:
    """Content tokens without edge punctuation; quote marks at the edges stay."""
    while idx and doc[idx[-1]].pos_ in EDGE_JUNK and not doc[idx[-1]].is_quote:
        idx = idx[:-1]
    while idx and (doc[idx[0]].pos_ in EDGE_JUNK and not doc[idx[0]].is_quote):
        idx = idx[1:]
    return tuple(idx)
