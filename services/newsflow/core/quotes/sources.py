"""Who speaks: the source span of a cue read off the parse (its subject, passive agent or
possessor, climbing open clauses; the speaker after the verb of an inverted tag; the
speaker the parser lost inside a quote or hung off another word), and the outlet that
relays it ('as quoted by X').

A source is a token range (start, end); whom it names (a pronoun's antecedent, a
surname's full name) is decided by :mod:`newsflow.core.entities.speakers`."""

from __future__ import annotations

from spacy.tokens import Token

from newsflow.core.quotes.lexicon import speaking
from newsflow.core.quotes.tokens import EDGE_JUNK

MAX_TAG_WORDS = 12  # between a quote and its verb: a name and its appositive, chosen on train
_INHERIT = ("xcomp", "conj", "advcl", "acl", "relcl", "pcomp", "dep", "npadvmod")
_CLAUSES = {"ccomp", "advcl", "parataxis", "punct"}
_NOUN_MODIFIERS = {"compound", "amod", "det", "poss", "nummod"}
_FINITE = ("VBD", "VBZ", "VBP")
_NOMINAL = ("PROPN", "NOUN", "PRON", "NUM")
_WITHIN_PHRASE = ("compound", "amod", "nummod", "poss", "pobj", "dobj", "prep", "acl", "relcl", "xcomp", "pcomp", "aux")
_RELAY_BY_LEMMAS = {"report", "quote", "cite", "note", "publish"}


def source_of(tok: Token) -> tuple[int, int] | None:
    """The subject (or passive agent, or possessor of a noun cue), looked for up the chain
    of open clauses ("took to Twitter to call ...", "stood up, saying ...")."""
    return _subject(tok) or _misparsed_subject(tok) or _after_verb(tok) or _unattached_before(tok)


def _unattached_before(tok: Token) -> tuple[int, int] | None:
    """'Senator Harry Reid, the minority leader, said that ...', 'About 4 in 10 say ...':
    a finite speaking verb the small parser left without a subject, after hanging the
    name off another word. The speaker is the noun phrase ending right before the verb
    (its adverbs, auxiliaries and commas between), climbed to the noun it describes
    through the phrases and clauses that describe it ('Jeffrey Salkin, a rabbi helping
    to organize the boycott, said') and at most one apposition."""
    doc = tok.doc
    finite = tok.tag_ in _FINITE or (tok.tag_ == "VBN" and any(c.dep_ == "aux" for c in tok.lefts))
    if not (tok.pos_ == "VERB" and finite and speaking(tok)):
        return None
    i = tok.i - 1
    while i >= tok.sent.start and _between_subject_and_verb(doc[i], tok):
        i -= 1
    if i < tok.sent.start or doc[i].pos_ not in _NOMINAL or not _same_paragraph(doc[i], tok):
        return None
    node = doc[i]
    while node.dep_ in _WITHIN_PHRASE and node.head.i < tok.i:
        node = node.head
    if node.dep_ == "appos" and node.head.i < tok.i:
        node = node.head
    elif node.head.i < tok.i and node.head.pos_ in ("VERB", "AUX"):
        return None  # the object of a clause before the verb ('offered him a job, then says')
    return noun_phrase(node) if node.pos_ in _NOMINAL else None


def _between_subject_and_verb(word: Token, verb: Token) -> bool:
    """A comma, or the verb's own adverb, auxiliary or negation ('Reid, the leader, also said')."""
    if word.is_space or (word.is_punct and not word.is_quote and word.text not in (".", ":", ";", "?", "!")):
        return True
    return word.dep_ in ("aux", "auxpass", "neg", "advmod") and word.i <= word.head.i <= verb.i


def _after_verb(tok: Token) -> tuple[int, int] | None:
    """'"...," added another Republican': a speaking verb with its speaker after it,
    which the parser takes for an object, or for the subject of a later clause
    ('"...," said Robert Reich, who endorsed ...')."""
    doc = tok.doc
    if not (tok.pos_ == "VERB" and speaking(tok) and tok.tag_ != "VBG" and _after_quote(tok)):
        return None
    found = next((noun_phrase(c) for c in tok.rights if c.pos_ in ("PROPN", "NOUN", "PRON")), None)
    if found is not None or tok.i + 1 >= len(doc):
        return found
    head = doc[tok.i + 1]
    while head.dep_ in _NOUN_MODIFIERS and head.head.i > head.i:
        head = head.head
    return noun_phrase(head) if head.pos_ in ("PROPN", "NOUN") and head.i > tok.i else None


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
                    return noun_phrase(appos)
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
            return noun_phrase(min(subjects, key=lambda c: abs(c.i - node.i)))
        for child in node.children:
            if child.dep_ == "agent":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return noun_phrase(obj)
            if child.dep_ == "poss" and node.pos_ == "NOUN":
                return noun_phrase(child)
        if node.dep_ not in _INHERIT or node.head == node or _passive_participle(node):
            return None
        if _modifies_its_speaker(node):
            return noun_phrase(node.head, stop=node)
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
    is the one asked, not the asker; so is a past verb's that has no subject of its own in
    a clause opened by 'when' or 'if' (the small parser tags that 'asked' VBD)."""
    if any(c.dep_ in ("aux", "auxpass") for c in tok.children):
        return False
    if tok.tag_ == "VBN":
        return True
    return tok.tag_ == "VBD" and tok.dep_ == "advcl" and any(c.lower_ in ("when", "if") for c in tok.lefts) and not any(
        c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _same_paragraph(a: Token, b: Token) -> bool:
    """Whether no line break lies between two tokens (the parser's sentences can run over
    one: '1:50 p.m.' then 'Famed doctor Ferdie Pacheco once said')."""
    lo, hi = sorted((a.i, b.i))
    return not any(t.is_space and "\n" in t.text for t in a.doc[lo:hi])


def noun_phrase(tok: Token, stop: Token | None = None) -> tuple[int, int]:
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
    while end > start + 1 and tok.doc[end - 1].pos_ in EDGE_JUNK:
        end -= 1
    while start < tok.i and tok.doc[start].pos_ in EDGE_JUNK:
        start += 1
    return (start, max(end, tok.i + 1))


def inverted_subject(tok: Token, inside: set[int]) -> tuple[int, int] | None:
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
            return noun_phrase(head) if head is not None else None
        if tok.tag_ == "VBG":
            return _subject_before(tok, inside)
    for child in tok.rights:
        if child.i not in inside and child.pos_ in ("PROPN", "NOUN", "PRON"):
            return noun_phrase(child)
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


def relayed_by(tok) -> tuple[int, int] | None:
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
