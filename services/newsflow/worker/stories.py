"""Stories, not copies: which story an article is a copy of, across the whole stream.

A copy of a wire story is the same text under another URL, trimmed, re-headlined, with a
paragraph added or dropped, the outlet's boilerplate around it, other quotation marks. Its
body's word 3-shingles are compared with MinHash and found with LSH (datasketch): a new
article joins the story of an indexed founder whose estimated Jaccard similarity is at
least ``THRESHOLD``, or which contains it or is contained in it for ``CONTAINMENT`` of the
smaller one's shingles (a trimmed copy, an update with paragraphs added); else it founds a
story whose id is its own article id.

The index is no worker's own memory: each worker rebuilds it from the ``stories`` topic
(worker/story_feed.py), where every story and every copy is announced inside the batch's
transaction, and follows that topic, so copies on other partitions and workers, and
stories founded before a restart, are found. Every worker applies the same rule, the
lowest story id among the matching founders, so all of them converge on one story once
they have read the same announcements. Limits (docs/stories.md): copies that two workers
see before either has read the other's announcement (within about a batch) found two
stories (later copies join the lower id); ``copies`` counts what the deciding worker had
read; at most ``max_stories`` stories are kept, the oldest forgotten first.
"""

from __future__ import annotations

import base64
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.5  # estimated Jaccard similarity of word 3-shingles: one story
CONTAINMENT = 0.8  # or this share of the smaller one's shingles in the other: one story
LSH_THRESHOLD = 0.3  # candidates the LSH finds, then checked against both
NUM_PERM = 128
SCHEME = "affine32"  # datasketch's permutation scheme, named: every worker must use the same
SHINGLE_WORDS = 3
MAX_SHINGLED_WORDS = 20_000  # a story is told in its first pages: the cost is bounded
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Story:
    """What an enriched article says of its story: its id and the copies seen so far
    (the founder is copy 1); ``founded`` when this article founded it."""

    id: str
    copies: int
    founded: bool

    def to_dict(self) -> dict:
        return {"id": self.id, "copies": self.copies}


@dataclass(frozen=True, slots=True)
class Signature:
    """A body's MinHash and how many distinct shingles it has (for containment)."""

    minhash: MinHash
    shingles: int

    def alike(self, other: "Signature") -> bool:
        """Whether the two bodies tell one story."""
        jaccard = self.minhash.jaccard(other.minhash)
        smaller = max(1, min(self.shingles, other.shingles))
        containment = jaccard * (self.shingles + other.shingles) / ((1 + jaccard) * smaller)
        return jaccard >= THRESHOLD or containment >= CONTAINMENT


def shingles(body: str) -> set[bytes]:
    """The body's word 3-shingles (lowercased: case and punctuation, quotation marks
    included, don't count), from its first MAX_SHINGLED_WORDS words."""
    words = _WORD.findall(body[: MAX_SHINGLED_WORDS * 12].lower())[:MAX_SHINGLED_WORDS]
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode()
            for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def signature(body: str) -> Signature:
    found = shingles(body)
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(found))
    return Signature(minhash, len(found))


def encode_signature(found: Signature) -> str:
    """The shingle count (4 bytes) and the MinHash (NUM_PERM × 4 bytes), little-endian, base64."""
    values = np.concatenate(([found.shingles], found.minhash.hashvalues)).astype("<u4")
    return base64.b64encode(values.tobytes()).decode("ascii")


def decode_signature(text: str) -> Signature:
    values = np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.uint64)
    return Signature(MinHash(num_perm=NUM_PERM, hashvalues=values[1:], scheme=SCHEME), int(values[0]))


class StoryIndex:
    """The founders' signatures in an LSH index, and each known article's story."""

    def __init__(self, max_stories: int):
        self.max_stories = max_stories
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._founders: OrderedDict[str, Signature] = OrderedDict()  # oldest first
        self._copies: dict[str, int] = {}
        self._members: dict[str, dict[str, Story]] = {}  # story id -> article id -> Story
        self._story_of: dict[str, str] = {}  # article id -> story id

    def __len__(self) -> int:
        return len(self._founders)

    def assign(self, article_id: str, found: Signature) -> Story:
        """The article's story: the one it was given before (a retry, a revision), else the
        lowest-id matching story it joins as the next copy, else a new one it founds."""
        known = self._story_of.get(article_id)
        if known is not None:
            return self._members[known][article_id]
        matches = sorted(sid for sid in self._lsh.query(found.minhash)
                         if found.alike(self._founders[sid]))
        if not matches:
            self.founded(article_id, found)
            return self._members[article_id][article_id]
        story = Story(matches[0], self._copies[matches[0]] + 1, founded=False)
        self.joined(article_id, story)
        return story

    def founded(self, story_id: str, found: Signature) -> None:
        """A story announced (here or by another worker); idempotent."""
        if story_id in self._founders:
            return
        while len(self._founders) >= self.max_stories:
            self._forget(next(iter(self._founders)))
        self._founders[story_id] = found
        self._lsh.insert(story_id, found.minhash)
        self._copies[story_id] = max(1, self._copies.get(story_id, 0))
        self._members[story_id] = {story_id: Story(story_id, 1, founded=True)}
        self._story_of[story_id] = story_id

    def joined(self, article_id: str, story: Story) -> None:
        """A copy announced; idempotent, and a copy of a story not (or no longer) known
        is ignored."""
        members = self._members.get(story.id)
        if members is None or article_id in self._story_of:
            return
        members[article_id] = story
        self._story_of[article_id] = story.id
        self._copies[story.id] = max(self._copies[story.id], story.copies)

    def _forget(self, story_id: str) -> None:
        self._lsh.remove(story_id)
        del self._founders[story_id]
        del self._copies[story_id]
        for article_id in self._members.pop(story_id):
            self._story_of.pop(article_id, None)
