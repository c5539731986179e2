"""Reading articles from files and stdin for the CLI shells (ingest, enrich).

Each input yields either an Article or a Rejected record naming where it came from,
so a bad file is reported and the good ones still go through.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsflow.core.article import Article, BadArticle
from newsflow.core.parse import DEFAULT_MAX_BYTES, decode, from_json, from_seed_text


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that did not parse: where it came from, why, and its original bytes."""

    origin: str
    error: BadArticle
    payload: bytes


def _lines(origin: str, lines: Iterable[bytes], max_bytes: int) -> Iterator[Article | Rejected]:
    for number, line in enumerate(lines, start=1):
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            yield from_json(decode(line, max_bytes))
        except BadArticle as exc:
            yield Rejected(where, exc, line)


def _file(path: Path, max_bytes: int) -> Iterator[Article | Rejected]:
    origin = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Rejected(origin, BadArticle("missing_body", f"cannot read: {exc.strerror}"), b"")
        return
    if path.suffix == ".jsonl":
        yield from _lines(origin, data.splitlines(), max_bytes)
        return
    try:
        text = decode(data, max_bytes)
        yield from_json(text) if path.suffix == ".json" else from_seed_text(text)
    except BadArticle as exc:
        yield Rejected(origin, exc, data)


def _expand(paths: Iterable[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(
                p for p in path.iterdir() if p.suffix in (".txt", ".json", ".jsonl")
            )
        else:
            yield path


def read_articles(
    paths: list[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | Rejected]:
    """Articles from PATHs (folders expanded; "-" or no path: JSONL on stdin)."""
    if not paths or paths == ["-"]:
        yield from _lines("<stdin>", sys.stdin.buffer, max_bytes)
        return
    for path in _expand(paths):
        if str(path) == "-":
            yield from _lines("<stdin>", sys.stdin.buffer, max_bytes)
        else:
            yield from _file(path, max_bytes)
