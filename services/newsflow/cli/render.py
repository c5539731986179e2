"""Messages rendered for a person reading a terminal (`newsflow tail`, `newsflow demo`)."""

from __future__ import annotations

import re
import textwrap

WIDTH = 100
# Control characters from article text would reach the operator's terminal as escape
# sequences; they are shown escaped instead (the layout's own newlines are kept).
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _escaped(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote_line(quote: dict) -> str:
    speaker = quote.get("speaker") or {}
    who = speaker.get("name") or speaker.get("text") or "(no speaker)"
    if speaker.get("role"):
        who += f", {speaker['role']}"
    if speaker and speaker.get("text") != speaker.get("name"):
        who += f" [as “{speaker['text']}”]"
    cue = (quote.get("cue") or {}).get("text")
    via = quote.get("via")
    extras = [f"cue “{cue}”"] if cue else []
    if via:
        extras.append(f"via {via.get('name') or via['text']}")
    head = f"  [{quote['type']}] {who}" + (f" ({'; '.join(extras)})" if extras else "")
    body = textwrap.fill(_clip(quote["text"], 300), WIDTH, initial_indent="      ",
                         subsequent_indent="      ")
    return f"{head}\n{body}"


def enriched(message: dict) -> str:
    lines = [
        f"== {message.get('title') or '(untitled)'}",
        f"   id {message['id']}  published {message.get('published')}  "
        f"words {message.get('word_count')}",
    ]
    dateline = message.get("dateline")
    if dateline:
        lines.append(f"   dateline {dateline.get('place')}, {dateline.get('date')}")
    people = [
        f"{e['name']} ({e['label']}, {e['count']}×" + (f", {e['role']})" if e.get("role") else ")")
        for e in message.get("canonical_entities", [])
    ]
    lines.append(textwrap.fill("   entities: " + "; ".join(people), WIDTH,
                               subsequent_indent="     "))
    lines.append(f"   quotes: {len(message.get('quotes', []))}")
    lines += [quote_line(q) for q in message.get("quotes", [])]
    return "\n".join(lines)


def render(message: dict) -> str:
    """One message of any newsflow topic, by its schema, safe to print to a terminal."""
    return _escaped(_render(message))


def _render(message: dict) -> str:
    kind = str(message.get("schema", "")).split("/")[0]
    if kind == "enriched_article":
        return enriched(message)
    if kind == "quote":
        return f"article {message['article_id']} #{message['index']}\n{quote_line(message)}"
    if kind == "entity":
        role = f", {message['role']}" if message.get("role") else ""
        said = f", {len(message['quotes'])} quote(s)" if message.get("quotes") else ""
        return (f"{message['name']} ({message['label']}{role}): {message['count']} mention(s)"
                f"{said} in article {message['article_id']}")
    if kind == "dead_letter":
        where = message["source"]
        origin = where.get("origin") or f"{where['topic']}[{where['partition']}]@{where['offset']}"
        return (f"DEAD LETTER {message['reason']} ({message['stage']}, {origin}, "
                f"{message['size']} bytes): {message['detail']}\n    {_clip(message['preview'], 120)!r}")
    if kind == "seen":
        where = message["source"]
        return (f"seen {where['topic']}[{where['partition']}]@{where['offset']}: "
                f"{message.get('article_id') or '(unparseable)'}")
    if kind == "raw_article":
        return f"article {message['id']}: {message.get('title')!r} ({len(message['body'])} chars)"
    return repr(message)
