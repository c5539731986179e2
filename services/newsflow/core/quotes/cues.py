"""Reporting cues in a parse and what hangs off them: the source (who) and content (what).

A cue is a verb or noun whose lemma was seen heading PolNeAR cues (data/quote_cues.json
"lemmas", mined by bench/quotes/mine_cues.py); its *frame* says how its content attaches,
since the same verb is a cue in one frame and not in another ("said that ..." vs "said
nothing"). How often each (frame, lemma) was right on train ("frames", mined by
bench/quotes/mine_frames.py) decides which candidates become attributions."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.tokens import Doc, Span, Token

_DATA = Path(__file__).parents[1] / "data" / "quote_cues.json"
_OBJECTS_DATA = Path(__file__).parents[1] / "data" / "quote_objects.json"
_LINES_DATA = Path(__file__).parents[1] / "data" / "quote_lines.json"
_NAMED = {"PERSON", "ORG", "GPE", "NORP"}
MIN_SPEAKING_SHARE = 0.3
MAX_SPEAKER_WORDS = 6  # words before a colon that may name who speaks the rest of the line
MAX_TAG_WORDS = 12  # between a quote and its verb: a name and its appositive, chosen on train
MAX_HEADLINE_WORDS = 30
_OBJECTS = ("dobj", "attr", "oprd")
_OBJECT_COMPLEMENTS = ("prep", "oprd", "xcomp")
_INHERIT = ("xcomp", "conj", "advcl", "acl", "relcl", "pcomp", "dep", "npadvmod")
_EMBEDDED = {"amod", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "attr", "acl", "relcl", "pcomp"}
_ASIDES = {"relcl", "advcl"}
_CLAUSES = {"ccomp", "advcl", "parataxis", "punct"}
_NOT_CLAUSE_HEADS = {"relcl", "acl", "pcomp", "amod", "aux", "auxpass"}
_EDGE_JUNK = {"PUNCT", "CCONJ", "SPACE"}
_NOUN_MODIFIERS = {"compound", "amod", "det", "poss", "nummod"}
_PLACES = {"GPE", "LOC", "FAC"}
_SIGNING_MARKS = {"-", "–", "—", "--"}
_TAG_TAILS = ("advmod", "prt")  # 'Sanders shot back, "..."'
_NOMINAL_POS = {"PROPN", "NOUN", "DET", "ADJ", "NUM", "PART"}


@dataclass(frozen=True)
class Cue:
    """One reporting event: token offsets (inclusive-exclusive token ranges)."""

    token: Token
    frame: str
    cue: tuple[int, int]
    content: tuple[int, ...]  # token indices of the content
    source: tuple[int, int] | None


@functools.cache
def lexicon() -> dict:
    """{"lemmas": {pos: {lemma: [share, count]}}, "frames": {frame: {lemma: precision}}}."""
    return json.loads(_DATA.read_text(encoding="utf-8"))


def frame_precision(cue: Cue) -> float:
    """How often this lemma in this frame was a right attribution on train."""
    return lexicon().get("frames", {}).get(cue.frame, {}).get(cue.token.lemma_.lower(), 0.0)


def speaking(tok: Token) -> bool:
    """A verb that mostly reports speech wherever it occurs (said, told, added): one that
    can carry a quotation standing beside it."""
    share = lexicon()["lemmas"]["verb"].get(tok.lemma_.lower())
    return (share is not None and share[0] >= MIN_SPEAKING_SHARE) or _puts_it(tok)


def _puts_it(tok: Token) -> bool:
    """'As Marcus puts it, "..."': the idiom reports the words it introduces."""
    return tok.lemma_.lower() == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children)


def find_cues(doc: Doc, marks: list[tuple[int, int]]) -> list[Cue]:
    """Every candidate cue in the doc, content and source included; rank with
    frame_precision. A cue inside quotation marks gets its own frame ("ccomp-quoted"):
    speech reported inside a quote is rarely an attribution of its own; so does one
    without a source ("-unsourced")."""
    inside = _inside(doc, marks)
    para = _paragraphs(doc)
    lemmas = lexicon()["lemmas"]
    found = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        kind = "noun" if tok.pos_ == "NOUN" else "verb" if tok.pos_ in ("VERB", "AUX") else None
        if kind is None or lemma not in lemmas[kind]:
            continue
        cue = _according(tok, para) if lemma == "accord" else _cue_frame(tok, para)
        if cue is not None and tok.i in inside:
            cue = replace(cue, frame=cue.frame + "-quoted")
        elif cue is not None and cue.source and cue.source[0] in inside:
            cue = replace(cue, source=_inverted_subject(tok, inside))
        if cue is not None and cue.source is None:
            cue = replace(cue, frame=cue.frame + "-unsourced")
        if cue is not None and tok.dep_ in _EMBEDDED:
            cue = replace(cue, frame=cue.frame + "-embedded")
        if cue is not None:
            found.append(cue)
    return found + _speaker_lines(doc, para)


def _speaker_lines(doc: Doc, para: list[int]) -> list[Cue]:
    """'Trump: Cruz Has ‘To Come a Long Way’' as a headline, 'WALLACE: Do you ...' opening
    a transcript paragraph: the name before a colon opening the line speaks the rest of
    the line (frames "headline" and "transcript")."""
    found = []
    for start, end in _lines(doc, para):
        opening = [t for t in doc[start : min(end, start + MAX_SPEAKER_WORDS + 2)] if not t.is_space]
        colon = next((t for t in opening[: MAX_SPEAKER_WORDS + 1] if t.text == ":"), None)
        if colon is None:
            continue
        speaker = [t for t in opening if t.i < colon.i]
        line = [t for t in doc[start:end] if not t.is_space]
        content = [t.i for t in line if t.i > colon.i]
        if not speaker or len(content) < 2 or not _names_a_speaker(speaker) or _is_label(speaker):
            continue
        frame = _line_frame(speaker, headline=start == 0, words=len(line))
        if frame is not None:
            found.append(Cue(colon, frame, _cue_span(colon), _trim(doc, content), (speaker[0].i, speaker[-1].i + 1)))
    return found


def _lines(doc: Doc, para: list[int]) -> list[tuple[int, int]]:
    """Token ranges of the paragraphs (lines) with words, in order."""
    bounds = [0] + [i for i in range(1, len(doc)) if para[i] != para[i - 1]] + [len(doc)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _line_frame(speaker: list[Token], headline: bool, words: int) -> str | None:
    """The frame of a speaker line: a headline naming someone ("headline", or
    "headline-unnamed": 'Milbank:', but also 'The Latest:'), or a transcript paragraph
    with its speaker in capitals ("transcript", "transcript-initial" for 'Q:')."""
    if headline:
        if words > MAX_HEADLINE_WORDS:
            return None
        if any(t.ent_type_ in _NAMED for t in speaker):
            return "headline"
        return "headline-unnamed" if all(t.text[:1].isupper() or t.is_punct for t in speaker) else None
    if all(t.text.isupper() or t.is_punct for t in speaker):
        return "transcript" if len(speaker) > 1 or len(speaker[0]) > 1 else "transcript-initial"
    return None


def _is_label(words: list[Token]) -> bool:
    """'The Latest:', 'CORRECTION:': a kicker or editorial label, no speaker
    (data/quote_lines.json)."""
    return " ".join(t.text for t in words).casefold() in _line_labels()


@functools.cache
def _line_labels() -> frozenset[str]:
    return frozenset(json.loads(_LINES_DATA.read_text(encoding="utf-8"))["labels"])


def _names_a_speaker(words: list[Token]) -> bool:
    """Words before a colon that can be a name: no verb, no date or number ('Moscow
    [Russia], July 14 :' is a dateline)."""
    return not any(t.pos_ in ("VERB", "AUX") or t.like_num or t.ent_type_ in ("DATE", "TIME") for t in words)


def _inverted_subject(tok: Token, inside: set[int]) -> tuple[int, int] | None:
    """'"My bosses ...," said Mr. Conant': the parser took a subject from inside the quote;
    the speaker is the noun phrase after the verb, or the one between the quote and the
    verb ('"...," Ramos, 58, told AFP'; 'Representative Steve Cohen, Democrat of
    Tennessee, told Mr. Obama')."""
    if not _after_quote(tok):
        between = [t for t in tok.doc[max(0, tok.i - MAX_TAG_WORDS) : tok.i] if t.i not in inside]
        if between and between[0].i - 1 in inside:
            head = next((t for t in between if t.pos_ in ("PROPN", "NOUN", "PRON")), None)
            while head is not None and head.dep_ in _NOUN_MODIFIERS and head.head.i < tok.i:
                head = head.head
            return _subtree(head) if head is not None else None
        if tok.tag_ == "VBG":
            return _subject_before(tok, inside)
    for child in tok.rights:
        if child.i not in inside and child.pos_ in ("PROPN", "NOUN", "PRON"):
            return _subtree(child)
    return None


def _subject_before(participle: Token, inside: set[int]) -> tuple[int, int] | None:
    """'Clinton seemed ready to riff on it, telling the crowd, "Some people get ..."': a
    participle the parser hung inside the quote after it belongs to the sentence's main
    clause before it; its object is the audience, not the speaker."""
    root = participle.sent.root
    if root.i >= participle.i or root.i in inside:
        return None
    source = _subject(root)
    return source if source is not None and source[0] not in inside else None


def _inside(doc: Doc, marks: list[tuple[int, int]]) -> set[int]:
    """Indices of the tokens inside quotation marks."""
    idx: set[int] = set()
    for start, end in marks:
        span = doc.char_span(start, end, alignment_mode="contract")
        if span is not None:
            idx.update(range(span.start, span.end))
    return idx


def colon_cue(colon: Token) -> Cue | None:
    """'Trump issued the following statement: "..."': the clause the colon closes, with
    its subject as the source, introduces the quote whatever its verb; with no verb
    before it, a name right before the colon speaks ('Rep. Trey Gowdy (R-S.C.): "..."')."""
    verb = _clause_closed_by(colon)
    if verb is not None:
        source = _source(verb)
        return Cue(verb, "colon", _cue_span(verb), (), source) if source else None
    doc = colon.doc
    names = [(a, b) for a, b, label in _entities_within(doc, colon.sent.start, colon.i) if label in ("PERSON", "ORG")]
    if names and all(t.is_punct or t.pos_ == "PROPN" for t in doc[names[-1][1] : colon.i]):
        return Cue(colon, "colon", _cue_span(colon), (), names[-1])
    return None


def _entities_within(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, label) of the entities of ``doc.ents`` within tokens [start, end),
    read off the tokens: doc.ents builds every entity of the article."""
    found = []
    i = start
    while i < end:
        first = doc[i]
        i += 1
        if first.ent_iob_ == "B" and first.ent_type_:
            while i < len(doc) and doc[i].ent_iob_ == "I":
                i += 1
            if i <= end:
                found.append((first.i, i, first.ent_type_))
    return found


def signed_colon_cue(colon: Token) -> Cue | None:
    """'Pollsters agree - Carl Bialik: "..."', 'More from Jones: "..."': a name set off by
    a dash or 'from' right before a colon is whom the quote after it comes from, whatever
    clause comes before (the roundup convention: a summary, then the source's words). The
    name is a few capitalised words ('Frank Newport and Jim Harter'), which the parser
    often does not know."""
    doc = colon.doc
    i = colon.i - 1
    while i > colon.i - MAX_SPEAKER_WORDS and i > colon.sent.start and not _signs(doc[i]):
        i -= 1
    name = doc[i + 1 : colon.i]
    if not _signs(doc[i]) or not _capitalised_names(name):
        return None
    return Cue(colon, "colon", _cue_span(colon), (), (name.start, name.end))


def _signs(tok: Token) -> bool:
    """A dash standing apart ('agree - Carl Bialik', not 'R-S.C.') or 'from'."""
    return tok.lower_ == "from" or (tok.text in _SIGNING_MARKS and bool(tok.whitespace_))


def _capitalised_names(words: Span) -> bool:
    """Words that can only name who speaks: capitalised, joined by 'and' at most, no verb,
    no place ('Curiel was from Mexico:')."""
    names = [t for t in words if t.lower_ not in ("and", "&")]
    capitalised = bool(names) and all(t.text[:1].isupper() and t.ent_type_ not in _PLACES for t in names)
    return capitalised and _names_a_speaker(names)


def tag_cue(quote: Span) -> Cue | None:
    """'"...," Cruz quipped', '"...?" reacted Trump', 'Silverman responded, "..."': a verb
    with its speaker in a tag touching a quotation is its cue, whatever the verb. After
    the quote, the tag must follow a mark closing on a comma, '?' or '!' (a quoted
    sentence ending in '.' may be followed by any clause)."""
    doc = quote.doc
    closing = quote.text.rstrip("\"”'’ ")[-1:]
    if quote.end < len(doc) and closing in (",", "?", "!"):
        verb = _tag_verb(_in_paragraph(doc[quote.end : min(quote.end + MAX_SPEAKER_WORDS + 1, len(doc))]), at_start=True)
        if verb is not None:
            return verb
    before = word_before(doc, quote.start)
    if before > 0 and doc[before].text == ",":
        words = _in_paragraph(doc[max(0, before - MAX_SPEAKER_WORDS - 1) : before], from_end=True)
        return _tag_verb(words, at_start=False)
    return None


def word_before(doc: Doc, i: int) -> int:
    """The index of the last token before i that is not whitespace, -1 if none: a
    no-break or second space ('said,\xa0"...') is a token of its own."""
    i -= 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return i


def _in_paragraph(words: Span, from_end: bool = False) -> Span:
    """The words up to the first line break (or after the last one): a tag never
    reaches into the next paragraph."""
    breaks = [t.i for t in words if t.is_space and "\n" in t.text]
    if not breaks:
        return words
    doc = words.doc
    return doc[breaks[-1] + 1 : words.end] if from_end else doc[words.start : breaks[0]]


def _tag_verb(words: Span, at_start: bool) -> Cue | None:
    """The cue of a tag: the first (or last) verb of the words beside a quote, with a
    speaker that, with the verb, fills the words up to the quote. A speaking verb the
    parser took for a noun ('," the two write.'), or one it left without a subject after
    taking the name for part of the verb ('," Bozell answers.'), has the words before it
    as speaker."""
    verbs = [t for t in words if t.pos_ == "VERB" or speaking(t)]
    if not verbs:
        return None
    verb = verbs[0] if at_start else verbs[-1]
    source = _source(verb) if verb.pos_ == "VERB" else None
    before = words.doc[words.start : verb.i]
    if source is None and at_start and before and (verb.pos_ != "VERB" or _nominal(before)):
        source = (words.start, verb.i)
    if source is None:
        return None
    last = max([verb.i] + [c.i for c in verb.rights if c.dep_ in _TAG_TAILS and c.i < words.end])
    clause = (min(source[0], verb.i), max(source[1], last + 1))
    touches = clause[0] == words.start if at_start else clause[1] == words.end
    return Cue(verb, "tag", _cue_span(verb), (), source) if touches else None


def _nominal(words: Span) -> bool:
    """Whether the words are a bare noun phrase: nouns and names with their determiners
    and modifiers, no verb or clause."""
    return any(t.pos_ in ("PROPN", "NOUN") for t in words) and all(t.pos_ in _NOMINAL_POS for t in words)


def _clause_closed_by(colon: Token) -> Token | None:
    """The verb of the clause ending at the colon: the first clause head up the parse from
    the word before it ('apologized for what happened:' is 'apologized'), or the
    sentence's root when the parser hung the words before the colon off it."""
    start = colon.sent.start
    node = next((t for t in reversed(colon.doc[start : colon.i]) if not (t.is_punct or t.is_space)), None)
    while node is not None and start <= node.i < colon.i:
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in _NOT_CLAUSE_HEADS:
            return node
        node = node.head if node.head != node else None
    root = colon.sent.root
    return root if root.i < colon.i and root.pos_ in ("VERB", "AUX") else None


def _according(tok: Token, para: list[int]) -> Cue | None:
    """'According to X, ...': the source is the object of 'to', the content its clause."""
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if obj is None:
        return None
    head = tok.head if tok.head != tok else None
    if head is None:
        return None
    skip = {t.i for t in tok.subtree}
    content = _content(tok, para, [t.i for t in head.subtree if t.i not in skip])
    if not content:
        return None
    return Cue(tok, "according", (tok.i, to.i + 1), content, _subtree(obj))


def _cue_frame(tok: Token, para: list[int]) -> Cue | None:
    """The cue with its content: its complement clauses, else (for '..., X said') the
    clause it interrupts, else its object, prepositional or noun complement. A participle
    ('he said, referring to the ad') interrupts nothing: its content is its complement."""
    doc = tok.doc
    kids = list(tok.children)
    source = _source(tok)
    obj = next((c for c in kids if c.dep_ in _OBJECTS), None)
    naming = tok.lemma_.lower() in _objects()["naming"]
    if naming and obj is not None and obj.i > tok.i and _quote_follows(obj):
        return _object_cue(tok, obj, kids, para, source)  # 'called her "weak"' whatever else it heads
    clauses = [_relayed_clause(c) for c in kids if c.dep_ == "ccomp"]
    frame = "ccomp"
    if not clauses:
        clauses = [c for c in kids if c.dep_ == "xcomp" and c.i > tok.i][:1]
        frame = "xcomp"
    if clauses:  # both halves of '"A," he said, "B."' are its clauses
        idx = sorted(t.i for c in clauses for t in c.subtree)
        return Cue(tok, frame, _cue_span(tok), _content(tok, para, idx), source)
    if tok.dep_ in ("parataxis", "ccomp", "advcl", "conj") and tok.head.i < tok.i and source and tok.tag_ != "VBG":
        skip = {t.i for t in tok.subtree}
        content = _content(tok, para, [t.i for t in tok.head.subtree if t.i not in skip and t.i < tok.i])
        if content:
            return Cue(tok, "paren", _cue_span(tok), content, source)
    if obj is not None and not _object_is_no_content(tok, obj):
        return _object_cue(tok, obj, kids, para, source)
    prep = next((c for c in kids if c.dep_ == "prep" and c.i > tok.i), None)
    if prep is not None and tok.pos_ != "NOUN":
        return Cue(tok, "prep", _cue_span(tok), _content(tok, para, [t.i for t in prep.subtree]), source)
    if tok.pos_ == "NOUN":
        acl = next((c for c in kids if c.dep_ in ("acl", "ccomp", "prep") and c.i > tok.i), None)
        if acl is not None:
            return Cue(tok, "noun", _cue_span(tok), _content(tok, para, [t.i for t in acl.subtree]), source)
    if source:
        return Cue(tok, "bare", _cue_span(tok), (), source)
    return None


def _object_cue(tok: Token, obj: Token, kids: list[Token], para: list[int], source) -> Cue:
    """The "dobj" frame: the object with the complements after it ('described it as ...')."""
    idx = [t.i for t in obj.subtree]
    idx += [t.i for c in kids if c.dep_ in _OBJECT_COMPLEMENTS and c.i > obj.i for t in c.subtree]
    return Cue(tok, "dobj", _cue_span(tok), _content(tok, para, sorted(idx)), source)


def _quote_follows(obj: Token) -> bool:
    """'called her "weak"', 'called Trump a "blowhard"': a quotation opens right after the
    object, the naming construction whose content is object and quote."""
    doc = obj.doc
    i = obj.right_edge.i + 1
    if i < len(doc) and doc[i].pos_ == "DET":
        i += 1
    return i + 1 < len(doc) and doc[i].is_quote and not doc[i + 1].is_punct


def _object_is_no_content(tok: Token, obj: Token) -> bool:
    """'a report which cited Peskov', 'Addressing a press briefing, he noted ...': the
    object names the source or the audience (data/quote_objects.json), not the words."""
    objects = _objects()
    lemma = tok.lemma_.lower()
    if lemma in objects["source_naming"]:
        return obj.ent_type_ in _NAMED and all(t.ent_type_ or t.is_punct for t in obj.subtree)
    if lemma in objects["audience_taking"]:
        return obj.lemma_.lower() in objects["audiences"] or obj.ent_type_ in ("PERSON", "NORP", "ORG")
    return False


@functools.cache
def _objects() -> dict:
    data = json.loads(_OBJECTS_DATA.read_text(encoding="utf-8"))
    return {key: set(value) for key, value in data.items() if key != "about"}


def _relayed_clause(clause: Token) -> Token:
    """'it was noted that Y, Peskov had said': an impersonal passive report ('it was
    noted that', 'it is said that') only relays; what the speaker said is its clause."""
    impersonal = any(c.dep_ == "nsubjpass" and c.lower_ == "it" for c in clause.children)
    inner = next((c for c in clause.children if c.dep_ == "ccomp"), None)
    return inner if impersonal and inner is not None and speaking(clause) else clause


def _cue_span(tok: Token) -> tuple[int, int]:
    return (tok.i, tok.i + 1)


def _source(tok: Token) -> tuple[int, int] | None:
    """The subject (or passive agent, or possessor of a noun cue), looked for up the chain
    of open clauses ("took to Twitter to call ...", "stood up, saying ...")."""
    return _subject(tok) or _misparsed_subject(tok) or _after_verb(tok)


def _after_verb(tok: Token) -> tuple[int, int] | None:
    """'"...," added another Republican': a speaking verb with its speaker after it,
    which the parser takes for an object, or for the subject of a later clause
    ('"...," said Robert Reich, who endorsed ...')."""
    doc = tok.doc
    if not (tok.pos_ == "VERB" and speaking(tok) and tok.tag_ != "VBG" and _after_quote(tok)):
        return None
    found = next((_subtree(c) for c in tok.rights if c.pos_ in ("PROPN", "NOUN", "PRON")), None)
    if found is not None or tok.i + 1 >= len(doc):
        return found
    head = doc[tok.i + 1]
    while head.dep_ in _NOUN_MODIFIERS and head.head.i > head.i:
        head = head.head
    return _subtree(head) if head.pos_ in ("PROPN", "NOUN") and head.i > tok.i else None


def _after_quote(tok: Token) -> bool:
    """Whether a word follows a closing quote mark, a comma or other mark between."""
    i = tok.i - 1
    while i >= 0 and (tok.doc[i].is_punct or tok.doc[i].is_space) and not tok.doc[i].is_quote:
        i -= 1
    return i >= 0 and tok.doc[i].is_quote


def _misparsed_subject(tok: Token) -> tuple[int, int] | None:
    """'According to X, Y said': the small parser makes Y an apposition of X, leaving
    the verb without a subject."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lemma_.lower() == "accord":
            for obj in (c for to in prep.children for c in to.children if c.dep_ == "pobj"):
                appos = next((c for c in obj.rights if c.dep_ == "appos"), None)
                if appos is not None:
                    return _subtree(appos)
    return None


def _subject(tok: Token) -> tuple[int, int] | None:
    """The grammatical speaker, climbing from an open clause to the one it hangs off."""
    reporter = _reporting_ancestor(tok)
    if reporter is not None:
        return _subject(reporter)
    node, deps = tok, ("nsubj", "csubj")
    for _ in range(4):
        subjects = [c for c in node.children if c.dep_ in deps and _same_paragraph(c, node)]
        if subjects:  # two when the parser runs a quote into the tag: the nearest
            return _subtree(min(subjects, key=lambda c: abs(c.i - node.i)))
        for child in node.children:
            if child.dep_ == "agent":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return _subtree(obj)
            if child.dep_ == "poss" and node.pos_ == "NOUN":
                return _subtree(child)
        if node.dep_ not in _INHERIT or node.head == node or _passive_participle(node):
            return None
        if _modifies_its_speaker(node):
            return _subtree(node.head, stop=node)
        through_preposition = node.dep_ == "pcomp" and node.head.dep_ == "prep"  # 'continued by saying'
        # 'Mr. Trump was prompted to say': the one asked to speak is who speaks
        deps = ("nsubj", "csubj", "nsubjpass") if node.dep_ == "xcomp" else ("nsubj", "csubj")
        node = node.head.head if through_preposition else node.head
    return None


def _reporting_ancestor(tok: Token) -> Token | None:
    """'Trump argued that a database would help, saying it is ...': a participle the
    parser hung inside the clause another speaking verb reports belongs to that verb."""
    if tok.tag_ != "VBG" or tok.dep_ not in ("advcl", "xcomp", "conj", "dep"):
        return None
    node = tok.head
    for _ in range(3):
        if node.dep_ not in ("ccomp", "xcomp", "advcl", "conj") or node.head == node:
            return None
        if speaking(node.head) and node.dep_ == "ccomp":
            return node.head
        node = node.head
    return None


def _modifies_its_speaker(tok: Token) -> bool:
    """'Reid, who said ...', and 'Mitt Romney, the nominee, tweeted' that the parser takes
    for a clause of the name: the noun it hangs off does the speaking."""
    active = tok.dep_ == "relcl" or (tok.dep_ == "acl" and tok.tag_ == "VBD")
    return active and tok.head.pos_ in ("NOUN", "PROPN", "PRON")


def _passive_participle(tok: Token) -> bool:
    """'When asked about it, he said': the subject a bare past participle would climb to
    is the one asked, not the asker."""
    return tok.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in tok.children)


def _same_paragraph(a: Token, b: Token) -> bool:
    """Whether no line break lies between two tokens (the parser's sentences can run over
    one: '1:50 p.m.' then 'Famed doctor Ferdie Pacheco once said')."""
    lo, hi = sorted((a.i, b.i))
    return not any(t.is_space and "\n" in t.text for t in a.doc[lo:hi])


def _subtree(tok: Token, stop: Token | None = None) -> tuple[int, int]:
    """The token range of a noun phrase in its paragraph, cut before relative clauses and
    commas, and after a clause the parser hung before it ('"...," Sarandon told')."""
    start, end = tok.left_edge.i, tok.right_edge.i + 1
    for child in tok.rights:
        if child.dep_ in ("relcl", "acl", "punct", "appos") or child is stop:
            end = min(end, child.left_edge.i)
    for child in tok.lefts:
        if child.dep_ in _CLAUSES:
            start = max(start, child.right_edge.i + 1)
    breaks = [t.i for t in tok.doc[start:end] if t.is_space and "\n" in t.text]
    start = max([start] + [i + 1 for i in breaks if i < tok.i])
    end = min([end] + [i for i in breaks if i > tok.i])
    while end > start + 1 and tok.doc[end - 1].pos_ in _EDGE_JUNK:
        end -= 1
    while start < tok.i and tok.doc[start].pos_ in _EDGE_JUNK:
        start += 1
    return (start, max(end, tok.i + 1))


def _content(tok: Token, para: list[int], idx: list[int]) -> tuple[int, ...]:
    """The content tokens in the cue's own paragraph (the parser's sentences can run over a
    line break, an attribution does not), without asides and edge punctuation."""
    own = para[tok.i]
    return _trim(tok.doc, _without_asides(tok.doc, [i for i in idx if para[i] == own]))


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


def _paragraphs(doc: Doc) -> list[int]:
    """The paragraph number of each token (line breaks are whitespace tokens)."""
    out, n = [], 0
    for tok in doc:
        n += tok.is_space and "\n" in tok.text
        out.append(n)
    return out


def _trim(doc: Doc, idx: list[int]) -> tuple[int, ...]:
    """Content tokens without edge punctuation; quote marks at the edges stay."""
    while idx and doc[idx[-1]].pos_ in _EDGE_JUNK and not doc[idx[-1]].is_quote:
        idx = idx[:-1]
    while idx and (doc[idx[0]].pos_ in _EDGE_JUNK and not doc[idx[0]].is_quote):
        idx = idx[1:]
    return tuple(idx)
