"""The article in a fetched page (trafilatura) or, failing that, in the feed item itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml.etree import ParserError

# Less main text than this is a paywall, a cookie wall or a menu: the feed's summary is better.
MIN_TEXT_CHARS = 100
# trafilatura's time grows with the tags of a page, some 25 µs each on a 2-core machine:
# this many is about 2.5 s of extraction; real article pages have a few thousand.
MAX_TAGS = 100_000
# Characters lxml refuses in a str (NUL, other C0 controls, lone surrogates)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Unreadable(Exception):
    """A page that is not extracted at all (too many elements to be worth the time)."""


@dataclass(frozen=True, slots=True)
class Extracted:
    title: str
    text: str
    date: str | None  # as the page writes it; the caller normalises it
    author: str | None


def from_page(html: bytes | str, url: str) -> Extracted | None:
    """Title, date, author and main text of an article page; None if it has too little,
    Unreadable if it has too many tags."""
    tags = html.count(b"<" if isinstance(html, bytes) else "<")
    if tags > MAX_TAGS:
        raise Unreadable(f"{tags} tags, limit {MAX_TAGS}")
    found = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if found is None or len((found.text or "").strip()) < MIN_TEXT_CHARS:
        return None
    text = found.text.strip()
    title = (found.title or "").strip()
    if title and text.startswith(title + "\n"):  # the headline repeated as the first line
        text = text[len(title) + 1:].lstrip()
    return Extracted(title, text, found.date, found.author or None)


def html_to_text(fragment: str) -> str:
    """The text of a feed's HTML summary or content (feeds may send markup or plain text)."""
    if "<" not in fragment:
        return fragment.strip()
    try:  # a document, not a fragment: lxml's fragment parser asserts on a stray <html>
        root = lxml.html.document_fromstring(_NOT_XML.sub("", fragment))
    except ParserError:  # nothing but whitespace, comments, a doctype
        return ""
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n" + (block.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())
