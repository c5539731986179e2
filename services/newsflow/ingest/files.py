"""Reading articles from files and stdin for the CLI shells (ingest, enrich).

Each input yields either an Article or a Rejected record naming where it came from,
so a bad file is reported and the good ones still go through. Nothing is read past the
size limit: an oversize file or line is refused unread (its dead letter has no payload),
so a huge input costs no more memory than one article. Blank lines of JSONL are skipped and
reported (``blank``, with their file:line), never silently.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsflow.core.article import Article, BadArticle
from newsflow.core.parse import DEFAULT_MAX_BYTES, decode, from_json, from_seed_text


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that did not parse: where it came from, why, and its original bytes."""

    origin: str
    error: BadArticle
    payload: bytes


def _oversize(origin: str, size: int | str, max_bytes: int) -> Rejected:
    return Rejected(origin, BadArticle("oversize", f"{size} bytes, limit {max_bytes}"), b"")


def _skip_line(stream: BinaryIO) -> int:
    """Reads to the end of the current line in bounded chunks; the bytes skipped (the
    line end not counted)."""
    skipped = 0
    while chunk := stream.readline(64 * 1024):
        if chunk.endswith(b"\n"):
            return skipped + len(chunk.rstrip(b"\r\n"))
        skipped += len(chunk)
    return skipped


Blank = Callable[[str], None]  # told the file:line of each blank line skipped


def _no_report(where: str) -> None:
    return None


def _lines(origin: str, stream: BinaryIO, max_bytes: int, blank: Blank = _no_report
           ) -> Iterator[Article | Rejected]:
    """One JSON article per line; each line read only up to the limit (plus the line end
    and one byte, to tell that it is over)."""
    number = 0
    while line := stream.readline(max_bytes + 3):
        number += 1
        where = f"{origin}:{number}"
        cut = not line.endswith(b"\n")
        line = line.rstrip(b"\r\n")
        if len(line) > max_bytes:
            yield _oversize(where, len(line) + (_skip_line(stream) if cut else 0), max_bytes)
            continue
        if not line.strip():
            blank(where)
            continue
        try:
            yield from_json(decode(line, max_bytes))
        except BadArticle as exc:
            yield Rejected(where, exc, line)


def _file(path: Path, max_bytes: int, blank: Blank = _no_report) -> Iterator[Article | Rejected]:
    origin = str(path)
    try:
        with path.open("rb") as file:
            if path.suffix == ".jsonl":
                yield from _lines(origin, file, max_bytes, blank)
                return
            # the size first; the read bounded too, for pipes (size 0) and growing files
            size = os.fstat(file.fileno()).st_size
            data = file.read(max_bytes + 1) if size <= max_bytes else b""
    except OSError as exc:
        yield Rejected(origin, BadArticle("missing_body", f"cannot read: {exc.strerror}"), b"")
        return
    if size > max_bytes or len(data) > max_bytes:
        yield _oversize(origin, size if size > max_bytes else f"over {max_bytes}", max_bytes)
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
    paths: list[str], max_bytes: int = DEFAULT_MAX_BYTES, blank: Blank = _no_report
) -> Iterator[Article | Rejected]:
    """Articles from PATHs (folders expanded; "-" or no path: JSONL on stdin)."""
    if not paths or paths == ["-"]:
        yield from _lines("<stdin>", sys.stdin.buffer, max_bytes, blank)
        return
    for path in _expand(paths):
        if str(path) == "-":
            yield from _lines("<stdin>", sys.stdin.buffer, max_bytes, blank)
        else:
            yield from _file(path, max_bytes, blank)
