"""Reporting cues in a parse and what hangs off them: the source (who) and content (what).

A cue is a verb or noun whose lemma was seen heading PolNeAR cues (the lexicon, see
:mod:`.lexicon`); its *frame* says how its content attaches, since the same verb is a cue
in one frame and not in another ("said that ..." vs "said nothing"). How often each
(frame, lemma) was right on train decides which candidates become attributions. Besides
the lexicon's words, a cue can be read off the layout: a name and a colon opening a line
(headlines, transcripts), the clause a colon closes before a quote, a name signed before
that colon, a speaker tag touching a quote."""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from newsflow.core.labels import NAMED_LABELS
from newsflow.core.quotes.content import clause_content, trim
from newsflow.core.quotes.lexicon import lexicon, line_labels, object_lemmas, speaking
from newsflow.core.quotes.sources import inverted_subject, noun_phrase, source_of
from newsflow.core.quotes.tokens import paragraphs, word_before

MAX_SPEAKER_WORDS = 6  # words before a colon that may name who speaks the rest of the line
MAX_HEADLINE_WORDS = 30
_OBJECTS = ("dobj", "attr", "oprd")
_OBJECT_COMPLEMENTS = ("prep", "oprd", "xcomp")
_EMBEDDED = {"amod", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "attr", "acl", "relcl", "pcomp"}
_NOT_CLAUSE_HEADS = {"relcl", "acl", "pcomp", "amod", "aux", "auxpass"}
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


def find_cues(doc: Doc, marks: list[tuple[int, int]]) -> list[Cue]:
    """Every candidate cue in the doc, content and source included; rank with
    frame_precision. A cue inside quotation marks gets its own frame ("ccomp-quoted"):
    speech reported inside a quote is rarely an attribution of its own; so does one
    without a source ("-unsourced")."""
    inside = _inside(doc, marks)
    para = paragraphs(doc)
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
            cue = replace(cue, source=inverted_subject(tok, inside))
        if cue is not None and cue.source is None:
            cue = replace(cue, frame=cue.frame + "-unsourced")
        if cue is not None and tok.dep_ in _EMBEDDED:
            cue = replace(cue, frame=cue.frame + "-embedded")
        if cue is not None:
            found.append(cue)
    return found + _speaker_lines(doc, para)


def reports_nobody(doc: Doc, cue: Cue) -> bool:
    """'That said, ...' and 'a hat that says ...': a cue whose speaker would be the word
    'that' reports nobody's words (on PolNeAR train such attributions are right 23 % of
    the time). Nor does 'When asked about his message, he said': the topic of a question
    nobody is named asking (PolNeAR counts half of them; a reader gets a topic and no
    speaker, and the answer is the attribution)."""
    if cue.source is None:
        return cue.token.lemma_.lower() == "ask" and cue.frame.startswith("prep")
    return cue.source[1] - cue.source[0] == 1 and doc[cue.source[0]].lower_ == "that"


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
            found.append(Cue(colon, frame, _cue_span(colon), trim(doc, content), (speaker[0].i, speaker[-1].i + 1)))
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
        if any(t.ent_type_ in NAMED_LABELS for t in speaker):
            return "headline"
        return "headline-unnamed" if all(t.text[:1].isupper() or t.is_punct for t in speaker) else None
    if all(t.text.isupper() or t.is_punct for t in speaker):
        return "transcript" if len(speaker) > 1 or len(speaker[0]) > 1 else "transcript-initial"
    return None


def _is_label(words: list[Token]) -> bool:
    """'The Latest:', 'CORRECTION:': a kicker or editorial label, no speaker
    (data/quote_lines.json)."""
    return " ".join(t.text for t in words).casefold() in line_labels()


def _names_a_speaker(words: list[Token]) -> bool:
    """Words before a colon that can be a name: no verb, no date or number ('Moscow
    [Russia], July 14 :' is a dateline)."""
    return not any(t.pos_ in ("VERB", "AUX") or t.like_num or t.ent_type_ in ("DATE", "TIME") for t in words)


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
        source = source_of(verb)
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
    source = source_of(verb) if verb.pos_ == "VERB" else None
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
    content = clause_content(tok, para, [t.i for t in head.subtree if t.i not in skip])
    if not content:
        return None
    return Cue(tok, "according", (tok.i, to.i + 1), content, noun_phrase(obj))


def _cue_frame(tok: Token, para: list[int]) -> Cue | None:
    """The cue with its content: its complement clauses, else (for '..., X said') the
    clause it interrupts, else its object, prepositional or noun complement. A participle
    ('he said, referring to the ad') interrupts nothing: its content is its complement."""
    kids = list(tok.children)
    source = source_of(tok)
    obj = next((c for c in kids if c.dep_ in _OBJECTS), None)
    naming = tok.lemma_.lower() in object_lemmas()["naming"]
    if naming and obj is not None and obj.i > tok.i and _quote_follows(obj):
        return _object_cue(tok, obj, kids, para, source)  # 'called her "weak"' whatever else it heads
    clauses = [_relayed_clause(c) for c in kids if c.dep_ == "ccomp"]
    frame = "ccomp"
    if not clauses:
        clauses = [c for c in kids if c.dep_ == "xcomp" and c.i > tok.i][:1]
        frame = "xcomp"
    if clauses:  # both halves of '"A," he said, "B."' are its clauses
        idx = sorted(t.i for c in clauses + _xcomp_subject(tok, clauses, frame) for t in c.subtree)
        return Cue(tok, frame, _cue_span(tok), clause_content(tok, para, idx), source)
    if tok.dep_ in ("parataxis", "ccomp", "advcl", "conj") and tok.head.i < tok.i and source and tok.tag_ != "VBG":
        skip = {t.i for t in tok.subtree}
        content = clause_content(tok, para, [t.i for t in tok.head.subtree if t.i not in skip])
        if content:
            return Cue(tok, "paren", _cue_span(tok), content, source)
    if tok.dep_ == "parataxis" and tok.head.i > tok.i and source:  # 'This campaign, he says, is different'
        skip = {t.i for t in tok.subtree}
        content = clause_content(tok, para, [t.i for t in tok.head.subtree if t.i not in skip])
        if content:
            return Cue(tok, "paren", _cue_span(tok), content, source)
    if obj is not None and not _object_is_no_content(tok, obj):
        return _object_cue(tok, obj, kids, para, source)
    prep = next((c for c in kids if c.dep_ == "prep" and c.i > tok.i), None)
    if prep is not None and tok.pos_ != "NOUN":
        return Cue(tok, "prep", _cue_span(tok), clause_content(tok, para, [t.i for t in prep.subtree]), source)
    if tok.pos_ == "NOUN":
        acl = next((c for c in kids if c.dep_ in ("acl", "ccomp", "prep") and c.i > tok.i), None)
        if acl is not None:
            return Cue(tok, "noun", _cue_span(tok), clause_content(tok, para, [t.i for t in acl.subtree]), source)
    passive = next((c for c in kids if c.dep_ == "nsubjpass" and c.i < tok.i), None)
    if passive is not None and source and any(c.dep_ == "agent" for c in kids):  # 'The move was reported by X'
        return Cue(tok, "dobj", _cue_span(tok), clause_content(tok, para, [t.i for t in passive.subtree]), source)
    if source:
        return Cue(tok, "bare", _cue_span(tok), (), source)
    return None


def _xcomp_subject(tok: Token, clauses: list[Token], frame: str) -> list[Token]:
    """'called on the United States to step up', 'urged Congress to act': whom the open
    clause is asked of belongs to the content (as PolNeAR annotates)."""
    if frame != "xcomp":
        return []
    first = clauses[0].left_edge.i
    between = [c for c in tok.children if c.dep_ in ("dobj", "prep") and tok.i < c.i < first]
    return [o for c in between for o in ([c] if c.dep_ == "dobj" else [g for g in c.children if g.dep_ == "pobj"])]


def _object_cue(tok: Token, obj: Token, kids: list[Token], para: list[int], source) -> Cue:
    """The "dobj" frame: the object with the complements after it ('described it as ...')."""
    idx = [t.i for t in obj.subtree]
    idx += [t.i for c in kids if c.dep_ in _OBJECT_COMPLEMENTS and c.i > obj.i for t in c.subtree]
    return Cue(tok, "dobj", _cue_span(tok), clause_content(tok, para, sorted(idx)), source)


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
    objects = object_lemmas()
    lemma = tok.lemma_.lower()
    if lemma in objects["source_naming"]:
        return obj.ent_type_ in NAMED_LABELS and all(t.ent_type_ or t.is_punct for t in obj.subtree)
    if lemma in objects["audience_taking"]:
        return obj.lemma_.lower() in objects["audiences"] or obj.ent_type_ in ("PERSON", "NORP", "ORG")
    return False


def _relayed_clause(clause: Token) -> Token:
    """'it was noted that Y, Peskov had said': an impersonal passive report ('it was
    noted that', 'it is said that') only relays; what the speaker said is its clause."""
    impersonal = any(c.dep_ == "nsubjpass" and c.lower_ == "it" for c in clause.children)
    inner = next((c for c in clause.children if c.dep_ == "ccomp"), None)
    return inner if impersonal and inner is not None and speaking(clause) else clause


def _cue_span(tok: Token) -> tuple[int, int]:
    return (tok.i, tok.i + 1)
