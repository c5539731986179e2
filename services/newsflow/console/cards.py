"""What the console shows of a message, bounded: a card for an enriched article, a letter
for a dead letter. Pure functions, shared by the archived list and the live events, so
the stream looks the same before and after a reload."""

from __future__ import annotations

import base64
import binascii

TITLE_CHARS = 300
NAME_CHARS = 120
URL_CHARS = 2000
DETAIL_CHARS = 500
PREVIEW_CHARS = 400
MAX_SPEAKERS = 8
MAX_ENTITIES = 10


def _cut(text: object, limit: int) -> str | None:
    if text is None:
        return None
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card(document: dict, record: tuple[int, int, float] | None = None) -> dict:
    """An enriched article as a stream card; ``record`` (partition, offset, timestamp
    in seconds) when it came from the live topic."""
    speakers, seen = [], set()
    for quote in document.get("quotes") or []:
        speaker = quote.get("speaker") or {}
        name = speaker.get("name")
        if name and name not in seen and len(speakers) < MAX_SPEAKERS:
            seen.add(name)
            speakers.append({"name": _cut(name, NAME_CHARS), "role": _cut(speaker.get("role"), NAME_CHARS)})
    entities = sorted(document.get("canonical_entities") or [],
                      key=lambda e: (-(e.get("salience") or 0), e.get("first") or 0))[:MAX_ENTITIES]
    story = document.get("story") or None
    shown = {
        "id": document.get("id"),
        "title": _cut(document.get("title") or "", TITLE_CHARS),
        "outlet": _cut(document.get("source"), NAME_CHARS),
        "url": _cut(document.get("url"), URL_CHARS),
        "published": document.get("published"),
        "published_at": document.get("published_at"),
        "event_time": document.get("event_time"),
        "language": document.get("language"),
        "revision": document.get("revision"),
        "story": {"id": story.get("id"), "copies": story.get("copies")} if story else None,
        "quotes": len(document.get("quotes") or []),
        "speakers": speakers,
        "entities": [{"name": _cut(e.get("name"), NAME_CHARS), "label": e.get("label"),
                      "id": _cut(e.get("id") or e.get("normalized") or e.get("name"), NAME_CHARS)}
                     for e in entities],
    }
    if record is not None:
        shown["partition"], shown["offset"], shown["committed_at"] = record
    return shown


def preview(payload_b64: str | None, limit: int = PREVIEW_CHARS) -> str:
    """The start of a dead letter's payload as text a person can read: undecodable bytes
    and control characters (but newlines and tabs) become U+FFFD. Escaping is the page's
    job; this only keeps what is shown short and printable."""
    try:
        raw = base64.b64decode(payload_b64 or "", validate=False)[: limit * 4]
    except (binascii.Error, ValueError):
        return ""
    text = raw.decode("utf-8", errors="replace")[:limit]
    return "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in text)


def letter(message: dict, partition: int, offset: int, timestamp: float) -> dict:
    """A dead letter as the console lists it; ``replayable`` when its whole payload is kept."""
    source = message.get("source") or {}
    return {
        "reason": message.get("reason"),
        "detail": _cut(message.get("detail"), DETAIL_CHARS),
        "stage": message.get("stage"),
        "article_id": message.get("article_id"),
        "source": {k: _cut(v, NAME_CHARS) if isinstance(v, str) else v
                   for k, v in source.items() if k in ("topic", "partition", "offset", "origin")},
        "size": message.get("size"),
        "truncated": bool(message.get("truncated")),
        "preview": preview(message.get("payload_b64")),
        "replayable": bool(message.get("payload_b64")) and not message.get("truncated"),
        "committed_at": timestamp,
        "partition": partition,
        "offset": offset,
    }
