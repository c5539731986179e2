"""An evaluation corpus for story clustering: PolNeAR train articles, each with copies
carrying the edits syndication makes (trimmed tail, new headline, a paragraph added or
dropped, outlet boilerplate, whitespace and quotation-mark changes), beside the other
articles, which are distinct stories, many on the same subjects (the 2016 campaign)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsflow.bench.corpus import _split
from newsflow.worker.stories import shingles

REPEAT_JACCARD = 0.3

ADDED = ("Local officials said on Tuesday they were following the developments closely and "
         "would brief residents at a town hall meeting later this week.")
DATELINE = "WASHINGTON (Wire) - "
SIGN_OFF = ("Reporting by staff writers; Editing by the news desk. Our standards: the Wire "
            "trust principles. Subscribe to our newsletter for the day's top stories.")


@dataclass(frozen=True, slots=True)
class Item:
    """One article of the corpus: ``story`` is the original it was made from."""

    story: int
    edit: str
    title: str
    body: str


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n") if p.strip()]


def trimmed(title, body, rng):
    paragraphs = _paragraphs(body)
    keep = max(1, round(len(paragraphs) * rng.uniform(0.65, 0.85)))
    return title, "\n".join(paragraphs[:keep])


def reheadlined(title, body, rng):
    return rng.choice(("UPDATE 1-", "Analysis: ", "WATCH: ")) + title.upper(), body


def paragraph_added(title, body, rng):
    paragraphs = _paragraphs(body)
    paragraphs.insert(rng.randrange(len(paragraphs) + 1), ADDED)
    return title, "\n".join(paragraphs)


def paragraph_dropped(title, body, rng):
    paragraphs = _paragraphs(body)
    if len(paragraphs) > 2:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    return title, "\n".join(paragraphs)


def boilerplate(title, body, rng):
    return title, DATELINE + body + "\n" + SIGN_OFF


def restyled(title, body, rng):
    curly = body.replace('"', "\u201c", 1).replace('"', "\u201d").replace("'", "\u2019")
    return title, "\n\n".join(" ".join(p.split()) for p in _paragraphs(curly))


EDITS: dict[str, Callable] = {f.__name__: f for f in (
    trimmed, reheadlined, paragraph_added, paragraph_dropped, boilerplate, restyled)}


def distinct(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The texts without those that repeat an earlier one: PolNeAR holds a few stories
    twice (a story and its update the next day, word 3-shingle Jaccard 0.5 to 1.0), which
    are one story, not two. Texts that merely share a block (a "The Latest" header,
    Jaccard under 0.05) are distinct, and kept: hard cases for the clustering."""
    kept: list[tuple[str, str, set]] = []
    for title, body in texts:
        found = shingles(body)
        if all(len(found & other) / len(found | other) < REPEAT_JACCARD for *_, other in kept):
            kept.append((title, body, found))
    return [(title, body) for title, body, _ in kept]


def corpus(folder: Path, originals: int, seed: int = 17) -> list[Item]:
    """``originals`` distinct articles, each with one copy per edit (all shuffled)."""
    rng = random.Random(seed)
    texts = [_split(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.txt"))]
    items = []
    for story, (title, body) in enumerate(distinct([t for t in texts if t[1]][:originals])):
        items.append(Item(story, "original", title, body))
        items += [Item(story, name, *edit(title, body, rng)) for name, edit in EDITS.items()]
    rng.shuffle(items)
    return items


def pairwise(items: list[Item], found: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of ``found`` (a story id per item) against the truth."""
    def pairs(labels) -> set[tuple[int, int]]:
        groups: dict = {}
        for index, label in enumerate(labels):
            groups.setdefault(label, []).append(index)
        return {(a, b) for g in groups.values() for i, a in enumerate(g) for b in g[i + 1:]}
    truth, predicted = pairs([item.story for item in items]), pairs(found)
    hits = len(truth & predicted)
    return hits / max(1, len(predicted)), hits / max(1, len(truth))
