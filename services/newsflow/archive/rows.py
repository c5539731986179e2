"""Messages to rows: each archived topic's message checked against its JSON Schema and
turned into the rows it stands for. Pure: no database, no Kafka.

A message that is no JSON object of its topic's schema raises Rejected with a reason
(``not_json``, ``schema``, ``too_long``), which the store records instead of rows.
Names are casefolded into keys after the alias table's canonical form, so that
"Kiev", "kyiv" and "Kyiv" are one key; searches (queries.py) make their keys the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import orjson

from newsflow.archive.schema import ID_CHARS, NAME_CHARS
from newsflow.core.entities.aliases import Aliases
from newsflow.topics import messages
from newsflow.topics.registry import ENRICHED, ENTITIES, QUOTES, STORIES, Topic
from newsflow.topics.validation import problem

# The topics archived, by role. A new topic is a Topic here with a converter below and
# its table in schema.py.
ARCHIVED: tuple[Topic, ...] = (ENRICHED, QUOTES, ENTITIES, STORIES)


class Rejected(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


REJECT_REASONS = ("not_json", "schema", "too_long")


@dataclass(slots=True)
class Rows:
    """What one message becomes: the article it belongs to, at which revision (None for a
    story event, which no revision replaces), and its rows per table name."""

    article_id: str
    revision: int | None
    dated: dt.date
    tables: dict[str, list[dict]] = field(default_factory=dict)


def key(name: str | None, aliases: Aliases) -> str | None:
    """The search key of a name: its canonical form (alias table), casefolded."""
    if not name:
        return None
    return aliases.normalize(name.strip()).casefold()[:NAME_CHARS]


def _name(text: str | None) -> str | None:
    return text[:NAME_CHARS] if text else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def decoded(value: bytes | None) -> dict:
    """The message in a record's value, checked against the schema it names."""
    try:
        message = orjson.loads(value or b"")
    except orjson.JSONDecodeError as exc:
        raise Rejected("not_json", str(exc)) from None
    if not isinstance(message, dict):
        raise Rejected("not_json", f"a JSON {type(message).__name__}, not an object")
    wrong = problem(message)
    if wrong:
        raise Rejected("schema", wrong)
    return message


def rows(role: str, message: dict, record_time: float, aliases: Aliases, where: dict) -> Rows:
    """The rows of ``message`` from the topic of ``role``; ``record_time`` (the record's
    timestamp, seconds) dates an undated article; ``where`` is its topic/partition/offset."""
    try:
        published = _date(message.get("published"))
    except ValueError as exc:
        raise Rejected("schema", f"published: {exc}") from None
    dated = published or dt.datetime.fromtimestamp(record_time, dt.timezone.utc).date()
    revision = messages.revision_of(message)
    article_id = message["id"] if role == ENRICHED.role else message["article_id"]
    if len(article_id) > ID_CHARS:
        raise Rejected("too_long", f"article id of {len(article_id)} characters")
    if role == STORIES.role:
        if len(message["story"]) > ID_CHARS:
            raise Rejected("too_long", f"story id of {len(message['story'])} characters")
        return Rows(article_id, None, dated, {"stories": [_story(message, published, dated, where)]})
    common = {"article_id": article_id, "revision": revision, "published": published,
              "dated": dated, "title": message.get("title", "")}
    made = Rows(article_id, revision, dated)
    if role == ENRICHED.role:
        made.tables = _article(message, common, where)
    elif role == QUOTES.role:
        made.tables = {"quotes": [_quote(message, common, aliases)]}
    elif role == ENTITIES.role:
        made.tables = _entity(message, common, aliases)
    else:
        raise ValueError(f"topic {role!r} is not archived")
    return made


def _article(message: dict, common: dict, where: dict) -> dict[str, list[dict]]:
    article = {
        "id": common["article_id"], "revision": common["revision"], "title": common["title"],
        "source": message.get("source"), "url": message.get("url"),
        "published": common["published"], "dated": common["dated"],
        "language": (message.get("language") or None) and message["language"][:16],
        "word_count": message.get("word_count"), "document": message,
    }
    version = {"article_id": common["article_id"], "revision": common["revision"],
               "title": common["title"], "dated": common["dated"], **where}
    return {"articles": [article], "article_versions": [version]}


def _story(message: dict, published: dt.date | None, dated: dt.date, where: dict) -> dict:
    return {"story_id": message["story"], "article_id": message["article_id"],
            "kind": message["event"], "copies": message["copies"], "title": message["title"],
            "url": message.get("url"), "published": published, "dated": dated,
            "event_time": message.get("event_time"), **where}


def _quote(message: dict, common: dict, aliases: Aliases) -> dict:
    speaker, via, cue = message.get("speaker") or {}, message.get("via") or {}, message.get("cue") or {}
    return {
        **common, "idx": message["index"], "text": message["text"], "type": message["type"],
        "start": message["start"], "end": message["end"],
        "speaker": _name(speaker.get("name")), "speaker_key": key(speaker.get("name"), aliases),
        "speaker_role": _name(speaker.get("role")),
        "via": _name(via.get("name") or via.get("text")),
        "via_key": key(via.get("name") or via.get("text"), aliases),
        "cue": _name(cue.get("text")), "confidence": message["confidence"],
    }


def _entity(message: dict, common: dict, aliases: Aliases) -> dict[str, list[dict]]:
    entity_key = key(message["normalized"], aliases)
    entity = {
        **common, "key": entity_key, "name": _name(message["name"]),
        "label": message["label"][:32], "role": _name(message.get("role")),
        "count": message["count"], "salience": message["salience"],
        "co_occurring": [_name(other) for other in message["co_occurring"]],
    }
    starts = {m["start"]: m["end"] for m in message["mentions"]}  # a mention once per start
    mentions = [{"article_id": common["article_id"], "key": entity_key, "start": start,
                 "end": end, "revision": common["revision"]}
                for start, end in starts.items()]
    return {"entities": [entity], "mentions": mentions}
