"""Search over the archive, one function per question, the same for the HTTP API and
`newsflow search`. Parameters come as strings (a query string, CLI flags) and are
checked here: each is bounded (length, page size and depth, date range), BadQuery says
what is wrong (HTTP 400, CLI exit 2).

``about`` is entity-based, not a substring: the name is resolved through the alias table
to its canonical key ("Kiev" -> "kyiv"), and a quote is about it when one of the entity's
mentions in the article lies inside the quote. ``q`` is full-text: FTS5 on SQLite (words
stemmed, all must appear), the English tsvector on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from newsflow.archive import schema
from newsflow.archive.rows import key
from newsflow.core.entities.aliases import Aliases

MAX_TEXT = 200  # characters of any string parameter
MAX_WORDS = 16  # of a full-text query
MAX_PER_PAGE = 100
MAX_DEPTH = 10_000  # page * per_page: deeper is for an export, not a search
MAX_RANGE_DAYS = 3660  # from .. to
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 1, 1)
TYPES = ("direct", "indirect", "mixed")
TOP = 20  # rows of each ranking in an entity's answer
QUOTE_FIELDS = ("speaker", "about", "q", "via", "type", "story", "from", "to", "page", "per_page")
MAX_COPIES = 500  # of a story listed (its count is exact)
MAX_RECENT = 200  # articles of one recent list
ALIAS_ARTICLES = 20  # an entity's latest articles read for the ways it was written
_LABEL = re.compile(r"^[A-Z_]{1,32}$")


class BadQuery(ValueError):
    """A parameter out of its bounds: the message names it."""


def _text(params: dict, name: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if len(value) > MAX_TEXT:
        raise BadQuery(f"{name}: at most {MAX_TEXT} characters")
    return value.strip() or None


def _int(params: dict, name: str, default: int, low: int, high: int) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadQuery(f"{name}: not a whole number: {value[:20]!r}") from None
    if not low <= number <= high:
        raise BadQuery(f"{name}: between {low} and {high}")
    return number


def _day(params: dict, name: str) -> dt.date | None:
    value = _text(params, name)
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        raise BadQuery(f"{name}: not a date (YYYY-MM-DD): {value[:20]!r}") from None
    if not EARLIEST <= day <= LATEST:
        raise BadQuery(f"{name}: between {EARLIEST} and {LATEST}")
    return day


@dataclass(frozen=True, slots=True)
class Range:
    start: dt.date | None
    end: dt.date | None

    @classmethod
    def of(cls, params: dict) -> "Range":
        start, end = _day(params, "from"), _day(params, "to")
        if start and end:
            if start > end:
                raise BadQuery("from: after to")
            if (end - start).days > MAX_RANGE_DAYS:
                raise BadQuery(f"from .. to: at most {MAX_RANGE_DAYS} days")
        return cls(start, end)

    def where(self, column) -> list:
        return ([column >= self.start] if self.start else []) + ([column <= self.end] if self.end else [])


@dataclass(frozen=True, slots=True)
class QuoteQuery:
    speaker: str | None = None
    about: str | None = None
    q: str | None = None
    via: str | None = None
    type: str | None = None
    story: str | None = None
    dates: Range = Range(None, None)
    page: int = 1
    per_page: int = 20

    @classmethod
    def of(cls, params: dict) -> "QuoteQuery":
        unknown = set(params) - set(QUOTE_FIELDS)
        if unknown:
            raise BadQuery(f"unknown parameter {sorted(unknown)[0]!r}; known: {', '.join(QUOTE_FIELDS)}")
        kind = _text(params, "type")
        if kind and kind not in TYPES:
            raise BadQuery(f"type: one of {', '.join(TYPES)}")
        per_page = _int(params, "per_page", 20, 1, MAX_PER_PAGE)
        page = _int(params, "page", 1, 1, MAX_DEPTH)
        if page * per_page > MAX_DEPTH:
            raise BadQuery(f"page * per_page: at most {MAX_DEPTH}; narrow the search")
        words = _text(params, "q")
        if words and len(_words(words)) > MAX_WORDS:
            raise BadQuery(f"q: at most {MAX_WORDS} words")
        story = _text(params, "story")
        if story and len(story) > schema.ID_CHARS:
            raise BadQuery(f"story: at most {schema.ID_CHARS} characters")
        return cls(_text(params, "speaker"), _text(params, "about"), words, _text(params, "via"),
                   kind, story, Range.of(params), page, per_page)


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _full_text(dialect: str, text: str):
    """The condition 'quote matches the words of ``text``' (each word, stemmed)."""
    q = schema.quotes.c
    if dialect == "postgresql":
        # the expression of the GIN index ix_quotes_words, so that it is used
        return sa.func.to_tsvector("english", q.text).bool_op("@@")(
            sa.func.plainto_tsquery("english", text))
    # FTS5 query syntax: each word a quoted string (no operator can be smuggled in)
    expression = " ".join(f'"{word}"' for word in _words(text)) or '""'
    fts = schema.quotes_fts
    return q.id.in_(sa.select(fts.c.rowid).where(fts.c.text.op("MATCH")(expression)))


def _about(entity_key: str):
    """The condition 'a mention of the entity lies inside the quote'."""
    q, m = schema.quotes.c, schema.mentions.c
    return sa.exists().where(m.key == entity_key, m.article_id == q.article_id,
                             m.start >= q.start, m.end <= q.end)


def quotes(connection: sa.Connection, query: QuoteQuery, aliases: Aliases) -> dict:
    """A page of quotes, newest first: {"quotes": [...], "page", "per_page", "has_more"}."""
    q, a = schema.quotes.c, schema.articles.c
    conditions = query.dates.where(q.dated)
    if query.speaker:
        conditions.append(q.speaker_key == key(query.speaker, aliases))
    if query.via:
        conditions.append(q.via_key == key(query.via, aliases))
    if query.type:
        conditions.append(q.type == query.type)
    if query.about:
        conditions.append(_about(key(query.about, aliases)))
    if query.q:
        conditions.append(_full_text(connection.dialect.name, query.q))
    if query.story:
        s = schema.stories.c
        conditions.append(q.article_id.in_(sa.select(s.article_id).where(s.story_id == query.story)))
    statement = (
        sa.select(q.article_id, q.idx, q.revision, q.text, q.type, q.speaker, q.speaker_role,
                  q.via, q.cue, q.confidence, q.title, q.published, q.dated, a.url, a.source)
        .select_from(schema.quotes.outerjoin(schema.articles, a.id == q.article_id))
        .where(*conditions)
        .order_by(q.dated.desc(), q.article_id, q.idx)
        .limit(query.per_page + 1).offset((query.page - 1) * query.per_page))
    found = [_quote(row) for row in connection.execute(statement).mappings()]
    return {"quotes": found[:query.per_page], "page": query.page, "per_page": query.per_page,
            "has_more": len(found) > query.per_page}


def _quote(row) -> dict:
    return {"article_id": row["article_id"], "index": row["idx"], "revision": row["revision"],
            "text": row["text"], "type": row["type"],
            "speaker": {"name": row["speaker"], "role": row["speaker_role"]} if row["speaker"] else None,
            "via": row["via"], "cue": row["cue"], "confidence": row["confidence"],
            "title": row["title"], "published": _iso(row["published"]), "date": _iso(row["dated"]),
            "url": row["url"], "source": row["source"]}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def entity(connection: sa.Connection, name: str, dates: Range, aliases: Aliases) -> dict | None:
    """An entity over time: mentions per day, co-occurring entities, who is quoted about
    it, its own quotes' count; None if the archive never saw it."""
    if len(name) > MAX_TEXT:
        raise BadQuery(f"name: at most {MAX_TEXT} characters")
    entity_key = key(name, aliases)
    e, q = schema.entities.c, schema.quotes.c
    where = [e.key == entity_key, *dates.where(e.dated)]
    summary = connection.execute(
        sa.select(sa.func.count().label("articles"), sa.func.sum(e.count).label("mentions"),
                  sa.func.min(e.dated).label("first"), sa.func.max(e.dated).label("last"))
        .where(*where)).mappings().one()
    if not summary["articles"]:
        return None
    names = connection.execute(
        sa.select(e.name, e.label, sa.func.count().label("n")).where(*where)
        .group_by(e.name, e.label).order_by(sa.desc("n")).limit(1)).mappings().one()
    over_time = connection.execute(
        sa.select(e.dated, sa.func.count().label("articles"), sa.func.sum(e.count).label("mentions"))
        .where(*where).group_by(e.dated).order_by(e.dated)).all()
    other = schema.entities.alias("other")
    co_occurring = connection.execute(
        sa.select(other.c.name, sa.func.count().label("articles"))
        .select_from(schema.entities.join(other, other.c.article_id == e.article_id))
        .where(*where, other.c.key != entity_key)
        .group_by(other.c.name).order_by(sa.desc("articles"), other.c.name).limit(TOP)).all()
    m = schema.mentions.c
    quoted_about = connection.execute(  # from the entity's mentions to the quotes around them
        sa.select(q.speaker, sa.func.count(sa.distinct(q.id)).label("quotes"))
        .select_from(schema.mentions.join(schema.quotes, q.article_id == m.article_id))
        .where(m.key == entity_key, m.start >= q.start, m.end <= q.end,
               q.speaker.is_not(None), *dates.where(q.dated))
        .group_by(q.speaker).order_by(sa.desc("quotes"), q.speaker).limit(TOP)).all()
    said = connection.execute(sa.select(sa.func.count()).select_from(schema.quotes)
                              .where(q.speaker_key == entity_key, *dates.where(q.dated))).scalar_one()
    quotes_over_time = connection.execute(
        sa.select(q.dated, sa.func.count()).where(q.speaker_key == entity_key, *dates.where(q.dated))
        .group_by(q.dated).order_by(q.dated)).all()
    role = connection.execute(
        sa.select(e.role).where(*where, e.role.is_not(None))
        .group_by(e.role).order_by(sa.desc(sa.func.count()), e.role).limit(1)).scalar()
    return {
        "name": names["name"], "label": names["label"], "key": entity_key,
        "articles": summary["articles"], "mentions": int(summary["mentions"] or 0),
        "first": _iso(summary["first"]), "last": _iso(summary["last"]), "quotes_by": said,
        "role": role, "aliases": _aliases_seen(connection, entity_key, where, aliases),
        "quotes_over_time": [{"date": _iso(day), "quotes": n} for day, n in quotes_over_time],
        "over_time": [{"date": _iso(day), "articles": n, "mentions": int(m or 0)}
                      for day, n, m in over_time],
        "co_occurring": [{"name": n, "articles": c} for n, c in co_occurring],
        "quoted_about": [{"speaker": s, "quotes": c} for s, c in quoted_about],
    }


def _aliases_seen(connection: sa.Connection, entity_key: str, where: list,
                  aliases: Aliases) -> list[str]:
    """How the entity was written in its latest articles (ALIAS_ARTICLES of them): the
    texts of its mentions, most frequent first."""
    e, a = schema.entities.c, schema.articles.c
    documents = connection.execute(
        sa.select(a.document).select_from(schema.entities.join(schema.articles, a.id == e.article_id))
        .where(*where).order_by(e.dated.desc()).limit(ALIAS_ARTICLES)).scalars()
    seen: dict[str, int] = {}
    for document in documents:
        for entity in document.get("canonical_entities") or []:
            if key(entity.get("normalized") or entity.get("name"), aliases) != entity_key:
                continue
            for mention in entity.get("mentions") or []:
                text = str(mention.get("text", ""))[:schema.NAME_CHARS]
                seen[text] = seen.get(text, 0) + 1
    return sorted(seen, key=lambda text: (-seen[text], text))[:TOP]


@dataclass(frozen=True, slots=True)
class RecentQuery:
    """The newest archived articles, optionally those with an entity, a speaker or a label."""

    limit: int
    entity: str | None
    speaker: str | None
    label: str | None

    @classmethod
    def of(cls, params: dict) -> "RecentQuery":
        label = _text(params, "label")
        if label is not None and not _LABEL.match(label):
            raise BadQuery("label: an entity label such as PERSON, ORG, GPE")
        return cls(limit=_int(params, "limit", 50, 1, MAX_RECENT), entity=_text(params, "entity"),
                   speaker=_text(params, "speaker"), label=label)


def recent(connection: sa.Connection, query: RecentQuery, aliases: Aliases) -> list[dict]:
    """The enriched documents of the newest archived articles, newest first."""
    a, e, q = schema.articles.c, schema.entities.c, schema.quotes.c
    conditions = []
    if query.entity:
        conditions.append(a.id.in_(sa.select(e.article_id).where(e.key == key(query.entity, aliases))))
    if query.label:
        conditions.append(a.id.in_(sa.select(e.article_id).where(e.label == query.label)))
    if query.speaker:
        conditions.append(a.id.in_(sa.select(q.article_id)
                                   .where(q.speaker_key == key(query.speaker, aliases))))
    statement = (sa.select(a.document).where(*conditions)
                 .order_by(a.archived_at.desc(), a.id).limit(query.limit))
    return list(connection.execute(statement).scalars())


def article(connection: sa.Connection, article_id: str) -> dict | None:
    """The archived article (its newest revision's enriched message) with its revisions
    and its story."""
    _checked_id("id", article_id)
    a, v = schema.articles.c, schema.article_versions.c
    row = connection.execute(sa.select(a.document, a.revision).where(a.id == article_id)).first()
    if row is None:
        return None
    versions = connection.execute(
        sa.select(v.revision, v.title, v.archived_at, v.topic, v.partition, v.offset)
        .where(v.article_id == article_id).order_by(v.id)).mappings().all()
    return {"article": row.document, "revision": row.revision,
            "revisions": [dict(version) for version in versions],
            "story": _story_of(connection, article_id, row.document)}


def _checked_id(name: str, identifier: str) -> None:
    if len(identifier) > schema.ID_CHARS:
        raise BadQuery(f"{name}: at most {schema.ID_CHARS} characters")


def _members(connection: sa.Connection, story_id: str) -> tuple[int, list[dict]]:
    """A story's archived events: how many, and the first MAX_COPIES in the order the
    stories topic has them (one partition per story, so its offsets order them), each with
    its outlet (the archived article's source)."""
    s, a = schema.stories.c, schema.articles.c
    total = connection.execute(sa.select(sa.func.count()).select_from(schema.stories)
                               .where(s.story_id == story_id)).scalar_one()
    rows = connection.execute(
        sa.select(s.article_id, s.kind, s.copies, s.title, s.url, s.published, s.event_time,
                  s.offset, a.source)
        .select_from(schema.stories.outerjoin(schema.articles, a.id == s.article_id))
        .where(s.story_id == story_id).order_by(s.offset).limit(MAX_COPIES)).mappings()
    return total, [{"article_id": r["article_id"], "kind": r["kind"], "copies": r["copies"],
                    "title": r["title"], "url": r["url"], "outlet": r["source"],
                    "published": _iso(r["published"]), "event_time": r["event_time"],
                    "offset": r["offset"]} for r in rows]


def _story_of(connection: sa.Connection, article_id: str, document: dict) -> dict | None:
    """The article's story: its id, the copies archived, the other copies; from the
    stories table, else (its events not archived yet) the enriched message's own."""
    s = schema.stories.c
    story_id = connection.execute(sa.select(s.story_id).where(s.article_id == article_id)
                                  .order_by(s.story_id).limit(1)).scalar()
    if story_id is None:
        own = document.get("story")
        return {"id": own["id"], "copies": own["copies"], "others": []} if own else None
    total, members = _members(connection, story_id)
    return {"id": story_id, "copies": total,
            "others": [{"article_id": m["article_id"], "url": m["url"], "outlet": m["outlet"]}
                       for m in members if m["article_id"] != article_id]}


def story(connection: sa.Connection, story_id: str) -> dict | None:
    """A story: its founder, its copies in the order they joined, its outlets; None if
    the archive holds none of its events."""
    _checked_id("id", story_id)
    total, members = _members(connection, story_id)
    if not total:
        return None
    founder = next((m for m in members if m["kind"] == "founded"), None)
    return {"id": story_id, "title": (founder or members[0])["title"], "founder": founder,
            "copies": [m for m in members if m["kind"] == "copy"], "count": total,
            "truncated": total > len(members),
            "outlets": sorted({m["outlet"] for m in members if m["outlet"]})}
