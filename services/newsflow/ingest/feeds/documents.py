"""A fetched RSS/Atom document, parsed by feedparser without its two traps.

* feedparser.parse(bytes) first tries the bytes as a *file name*: a feed whose body is
  "/etc/passwd" would read that local file. The body is handed over as a stream instead.
* Its strict parser is expat, which expands the entities a document declares: a "billion
  laughs" feed (nested entities, one line) grows a few hundred bytes into megabytes of text
  per entity reference before expat's own amplification limit stops it. feedparser's own
  DOCTYPE filter only sees declarations at the start of a line. So the strict parser is
  defusedxml's expat reader, which refuses entity declarations outright.
"""

from __future__ import annotations

import io

import feedparser
import feedparser.api
from defusedxml import DefusedXmlException

# feedparser picks its SAX parser from this list (xml.sax.make_parser), at every parse
feedparser.api.PREFERRED_XML_PARSERS = ["defusedxml.expatreader"]


class FeedError(Exception):
    """The document is not a feed we read; the message says why."""


def parse_feed(body: bytes, url: str, content_type: str) -> feedparser.FeedParserDict:
    """The parsed feed (feedparser's dict; links resolve against ``url``), or FeedError."""
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers={
            "content-location": url, "content-type": content_type})
    except DefusedXmlException as exc:
        raise FeedError(f"the document declares XML entities, refused ({exc!r})") from None
    except Exception as exc:  # whatever else its parsers raise: not a feed we can read
        raise FeedError(f"feedparser failed: {type(exc).__name__}: {exc}") from None
    if parsed.bozo and not parsed.entries:
        raise FeedError(str(parsed.get("bozo_exception", "not a feed")))
    return parsed
