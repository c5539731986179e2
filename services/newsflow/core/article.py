"""The article model, its stable id, and the one error type every parser raises."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass

from newsflow.core.urls import canonical_url


class BadArticle(ValueError):
    """Input that cannot become an article.

    ``reason`` is a short stable code (a metric label and the dead-letter ``reason``);
    ``detail`` says what exactly was wrong, for a person.
    """

    REASONS = (
        "oversize",
        "not_utf8",
        "binary",
        "malformed_json",
        "wrong_type",
        "missing_body",
        "empty_body",
        "no_date_line",
        "bad_date",
        "enrichment_failed",
        "enrichment_timeout",
        "enrichment_memory",
        "output_too_large",
    )

    def __init__(self, reason: str, detail: str):
        if reason not in self.REASONS:
            raise AssertionError(f"unknown reason {reason!r}")
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail

    def __reduce__(self):
        """Pickled by its fields: the worker's enrichment process sends errors back."""
        return BadArticle, (self.reason, self.detail)


@dataclass(frozen=True, slots=True)
class Article:
    """One incoming article, as the producer publishes it to the raw topic."""

    id: str
    title: str
    body: str
    published: str | None = None  # the day (ISO date), as the article's own place wrote it
    source: str | None = None
    url: str | None = None
    author: str | None = None  # from a feed item or its page
    extraction: str | None = None  # feed ingestion: "page" or "feed-summary"
    source_id: str | None = None  # the sender's own id for it, when it gave one that differs
    published_at: str | None = None  # ISO 8601 with the time of day (and offset), when given
    replay: str | None = None  # `newsflow replay`: the rules version that asked to redo it

    def to_dict(self) -> dict:
        """The fields; the optional ones (feed, source_id, published_at) only when set, so
        other messages keep their shape."""
        data = asdict(self)
        for name in _OMITTED_WHEN_NONE:
            if data[name] is None:
                del data[name]
        return data


_OMITTED_WHEN_NONE = ("author", "extraction", "source_id", "published_at", "replay")


def _normalised(title: str, body: str) -> str:
    return " ".join(unicodedata.normalize("NFC", f"{title}\n{body}").split())


def content_fingerprint(title: str, body: str, replay: str | None = None) -> str:
    """What tells a correction from a re-send: the same article (id) with another
    fingerprint is a new revision; whitespace and Unicode form don't change it. A replay
    (``newsflow replay``) for a rules version is another fingerprint, once per version."""
    basis = "content\n" + _normalised(title, body) + (f"\nreplay {replay}" if replay else "")
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def article_id(title: str, body: str, url: str | None = None) -> str:
    """A stable id: the same article always gets the same one.

    With a URL the id names its canonical form (core/urls.py: one story however it is
    linked; a corrected article keeps its id); without one it names the text, normalised
    so that whitespace and Unicode form don't change it.
    """
    if url:
        basis = "url\n" + (canonical_url(url) or url.strip())
    else:
        basis = "text\n" + _normalised(title, body)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
