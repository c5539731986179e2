"""Trending entities across articles: windowed counts per canonical entity.

Counts live in a faust Table (changelog-backed, so a restarted worker resumes with them)
as tumbling buckets keyed ``"<step>|<bucket start>|<entity key>"``. A tumbling window is
one bucket; a hopping window of size S and step T is the sum of the S/T buckets of width T
that end at its end. Storing buckets, not every hopping window, keeps one table write per
entity per article per step instead of S/T of them; faust's WindowWrapper would store each
hopping window and can only be read relative to the current event or the wall clock, and
a query here asks for the top entities at any event time.

The table is read and written only by the agent that consumes the entity topic, whose key
is the entity name, so every bucket of an entity lives in that entity's partition, fed by
one partition of the entity topic. Each bucket keeps the last entity-topic offset it
counted, so a message read again is not counted twice: faust commits its input offsets
late (its offset bookkeeping stalls on the gaps that transaction markers leave), and a
restarted worker reads again what came after the last commit.
Time is event time: the entity message's ``event_time`` (the article's publish time when it
has a believable one, worker/event_time.py), else its record's timestamp (the raw
record's). Lateness is bounded by the retention: a message older than the retention before
the latest event counted is not counted (``newsflow_trending_late_total``), so an old
backfill adds no buckets the expiry would only delete.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsflow.config import parse_duration
from newsflow.core.casing import natural_case
from newsflow.core.entities.aliases import Aliases

CO_OCCURRING_KEPT = 20


@dataclass(frozen=True, slots=True)
class Window:
    """A named window: tumbling when ``step == size``, hopping otherwise."""

    name: str
    size: int
    step: int

    @property
    def kind(self) -> str:
        return "tumbling" if self.size == self.step else "hopping"

    def span(self, at: float) -> tuple[int, int]:
        """[start, end) of the window that ends right after ``at``: the latest full span."""
        end = (int(at) // self.step + 1) * self.step
        return end - self.size, end

    def buckets(self, at: float) -> list[int]:
        start, end = self.span(at)
        return list(range(start, end, self.step))


def parse_windows(spec: str) -> list[Window]:
    """ "1h,24h:1h" → a tumbling 1 h window and a hopping 24 h window moving by 1 h."""
    windows = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        size_text, _, step_text = part.partition(":")
        size = parse_duration(size_text)
        step = parse_duration(step_text) if step_text else size
        if size % step:
            raise ValueError(f"window {part!r}: the size must be a multiple of the step")
        windows.append(Window(size_text, size, step))
    if not windows:
        raise ValueError("no trending window configured")
    return windows


def bucket_key(step: int, start: int, entity: str) -> str:
    return f"{step}|{start}|{entity}"


def split_key(key: str) -> tuple[int, int, str]:
    step, start, entity = key.split("|", 2)
    return int(step), int(start), entity


def counted(bucket: dict | None, offset: int) -> bool:
    """Whether ``bucket`` has counted the entity message at ``offset`` already."""
    return bucket is not None and bucket.get("offset", -1) >= offset


def add_mention(bucket: dict | None, message: Mapping, at: float, offset: int) -> dict:
    """The bucket after one entity message (one entity in one article), read at ``offset``.

    An entity is its normalised name; spaCy may label it differently from one article to
    the next, so a bucket counts labels and the window reports the most frequent one.
    ``stories`` counts the articles that are no copy of a story seen before, and
    ``quotes`` their quotes (a copy's quotes are its story's); ``articles`` counts every
    copy."""
    bucket = dict(bucket) if bucket else {
        "name": message.get("normalized") or message["name"], "labels": {}, "articles": 0,
        "stories": 0, "quotes": 0, "first_seen": at, "last_seen": at, "co_occurring": {},
    }
    copy = (message.get("story") or {}).get("copies", 1) > 1
    labels = dict(bucket["labels"])
    labels[message["label"]] = labels.get(message["label"], 0) + 1
    bucket["labels"] = labels
    bucket["articles"] += 1
    bucket["stories"] = stories(bucket) + (not copy)
    bucket["quotes"] += 0 if copy else len(message.get("quotes", ()))
    bucket["first_seen"] = min(bucket["first_seen"], at)
    bucket["last_seen"] = max(bucket["last_seen"], at)
    co = dict(bucket["co_occurring"])
    for other in message.get("co_occurring", ()):
        co[other] = co.get(other, 0) + 1
    if len(co) > 2 * CO_OCCURRING_KEPT:
        co = dict(sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))[:CO_OCCURRING_KEPT])
    bucket["co_occurring"] = co
    bucket["offset"] = offset
    return bucket


def stories(bucket: Mapping) -> int:
    """The bucket's stories (a bucket from before stories counted each article as one)."""
    return bucket.get("stories", bucket["articles"])


def merge(buckets: Iterable[dict]) -> dict | None:
    """One entity's buckets summed into one window entry."""
    total = None
    for bucket in buckets:
        if total is None:
            total = {**bucket, "co_occurring": dict(bucket["co_occurring"]),
                     "labels": dict(bucket["labels"]), "stories": stories(bucket)}
            continue
        total["articles"] += bucket["articles"]
        total["stories"] += stories(bucket)
        total["quotes"] += bucket["quotes"]
        total["first_seen"] = min(total["first_seen"], bucket["first_seen"])
        total["last_seen"] = max(total["last_seen"], bucket["last_seen"])
        for name, count in bucket["co_occurring"].items():
            total["co_occurring"][name] = total["co_occurring"].get(name, 0) + count
        for label, count in bucket["labels"].items():
            total["labels"][label] = total["labels"].get(label, 0) + count
    return total


def main_label(labels: Mapping[str, int]) -> str:
    """The most frequent label (ties: alphabetical)."""
    return min(labels.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def latest_event(items: Iterable[tuple[str, dict]]) -> float | None:
    """The latest event time among the buckets: "now" in event time."""
    return max((bucket["last_seen"] for _, bucket in items), default=None)


def top(
    items: Iterable[tuple[str, dict]], window: Window, at: float,
    label: str | None = None, limit: int = 20, co_occurring: int = 5,
) -> list[dict]:
    """The most mentioned entities in ``window`` ending right after ``at``: by stories
    (copies of one story count once), then quotes, then articles (every copy), then name."""
    wanted = set(window.buckets(at))
    per_entity: dict[str, list[dict]] = {}
    for key, bucket in items:
        step, start, entity = split_key(key)
        if step == window.step and start in wanted:
            per_entity.setdefault(entity, []).append(bucket)
    rows = []
    for entity, buckets in per_entity.items():
        total = merge(buckets)
        total["label"] = main_label(total["labels"])
        if label is not None and total["label"] != label:
            continue
        co = sorted(total["co_occurring"].items(), key=lambda kv: (-kv[1], kv[0]))[:co_occurring]
        rows.append({
            "key": entity, "name": total["name"], "label": total["label"],
            "stories": total["stories"], "articles": total["articles"], "quotes": total["quotes"],
            "first_seen": total["first_seen"], "last_seen": total["last_seen"],
            "co_occurring": [{"name": name, "articles": count} for name, count in co],
        })
    rows.sort(key=ranking)
    return rows[:limit]


def ranking(row: Mapping) -> tuple:
    """Rows order: stories, quotes, articles (every copy), name."""
    return -row.get("stories", row["articles"]), -row["quotes"], -row["articles"], row["name"]


def event_time(message: Mapping, record_timestamp: float | None) -> float:
    """When the entity message's article happened (seconds)."""
    return message.get("event_time") or record_timestamp or time.time()


def too_late(at: float, latest: float, retention: int) -> bool:
    """Whether an event at ``at`` is past the lateness bound: older than the retention
    before the latest event."""
    return at < latest - retention


def expired(key: str, latest: float, retention: int) -> bool:
    step, start, _ = split_key(key)
    return start + step < latest - retention


def entity_lookup(name: str, aliases: Aliases) -> str:
    """The entity key a look-up by ``name`` means: an alias's canonical name ("Kiev" ->
    "Kyiv"), and a name typed all in lower or in upper case cased as entity keys are
    ("london", "LONDON" -> "London"; "uk" -> "UK"). A name in mixed case is taken as written."""
    if name.islower() or name.isupper():
        name = natural_case(name.upper())
    return aliases.normalize(name)
