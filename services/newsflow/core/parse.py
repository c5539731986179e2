"""Parsers from incoming bytes and files to :class:`Article`. Each raises only BadArticle."""

from __future__ import annotations

import orjson

from newsflow.core.article import Article, BadArticle, article_id
from newsflow.core.dates import parse_date, parse_timestamp
from newsflow.core.urls import canonical_url

DEFAULT_MAX_BYTES = 1024 * 1024
_TEXT_FIELDS = ("title", "body", "published", "published_at", "source", "url", "id", "source_id", "replay")


def decode(payload: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """UTF-8 text from raw bytes, refusing oversize, binary and non-UTF-8 payloads."""
    if len(payload) > max_bytes:
        raise BadArticle("oversize", f"{len(payload)} bytes, limit {max_bytes}")
    if b"\x00" in payload:
        raise BadArticle("binary", "contains NUL bytes")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadArticle("not_utf8", f"invalid UTF-8 at byte {exc.start}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    refuse_binary(text)
    return text


def refuse_binary(text: str, where: str = "") -> None:
    """BadArticle("binary") for text with a NUL or more control characters than text has:
    the filter of raw bytes, applied again to JSON strings, whose escapes (\\u0000)
    carry control characters past it."""
    if "\x00" in text:
        raise BadArticle("binary", f"{where}contains NUL characters")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise BadArticle("binary", f"{where}{controls} control characters")


def from_seed_text(text: str) -> Article:
    """The seed format: optional blank lines, the title, a date line, then the body."""
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise BadArticle("missing_body", "the file is empty")
    title = lines[0].strip()
    if len(lines) < 2 or parse_date(lines[1]) is None:
        found = lines[1].strip()[:60] if len(lines) > 1 else "end of file"
        raise BadArticle("no_date_line", f"line after the title is not a date: {found!r}")
    published = parse_date(lines[1]).isoformat()
    body = "\n".join(lines[2:]).strip("\n")
    if not body.strip():
        raise BadArticle("empty_body", "no text after the date line")
    return Article(id=article_id(title, body), title=title, body=body, published=published,
                   published_at=timestamp(lines[1]))


def from_mapping(obj: object) -> Article:
    """An article from a decoded JSON object ({"title", "body", optional "published", ...}).

    Its id is always derived from its content (article_id), never taken from the sender: a
    sender's "id" could name another article and have it skipped as a duplicate. A
    supplied "id" that differs is kept as ``source_id`` (so is a "source_id"); a raw
    message newsflow wrote carries the derived id, which leaves ``source_id`` unset."""
    if not isinstance(obj, dict):
        raise BadArticle("wrong_type", f"expected a JSON object, got {type(obj).__name__}")
    for field in _TEXT_FIELDS:
        value = obj.get(field)
        if value is not None and not isinstance(value, str):
            raise BadArticle("wrong_type", f"{field!r} must be a string, not {type(value).__name__}")
        if value:
            refuse_binary(value, f"{field!r} ")
    if "body" not in obj or obj["body"] is None:
        raise BadArticle("missing_body", "no 'body' field")
    body = obj["body"]
    if not body.strip():
        raise BadArticle("empty_body", "'body' is empty")
    title = obj.get("title") or ""
    published = obj.get("published")
    if published:
        date = parse_date(published)
        if date is None:
            raise BadArticle("bad_date", f"'published' is not a date: {published[:60]!r}")
        published = date.isoformat()
    # a raw message newsflow wrote has the moment in published_at, the day in published
    published_at = timestamp(obj.get("published_at") or obj.get("published") or "")
    if obj.get("published_at") and published_at is None:
        raise BadArticle("bad_date",
                         f"'published_at' has no time of day: {obj['published_at'][:60]!r}")
    url = obj.get("url") or None
    if url:
        url = canonical_url(url) or url  # what does not parse is kept as given
    derived = article_id(title, body, url)
    supplied = obj.get("id") if obj.get("id") != derived else None
    return Article(
        id=derived,
        title=title,
        body=body,
        published=published or None,
        published_at=published_at,
        source=obj.get("source") or None,
        url=url,
        source_id=obj.get("source_id") or supplied or None,
        replay=obj.get("replay") or None,
    )


def timestamp(text: str) -> str | None:
    """``text``'s moment as ISO 8601 with its offset, when it has a time of day: kept
    beside the day ``published``, which drops it."""
    moment = parse_timestamp(text)
    return moment.isoformat() if moment else None


def from_json(text: str) -> Article:
    """An article from one JSON document."""
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BadArticle("malformed_json", str(exc)) from None
    return from_mapping(obj)


def from_message(payload: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """An article from a raw-topic message value (a JSON object)."""
    return from_json(decode(payload, max_bytes))
