"""The one canonical form of an article's URL, for every ingest path (files, stdin, HTTP,
feeds): the same story linked with tracking parameters, a fragment, another case of
scheme or host, or its default port is one URL, hence one article id.

courlan (trafilatura's URL library) does the normalising: scheme and host lowercased,
punycode decoded, the default port dropped, a leading ``/../`` removed, tracking parameters
(``utm_*``, ``fbclid``, ``gclid``, ...) removed and the others sorted. The fragment is
dropped too (it names a place in the page, never another article).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from courlan import normalize_url


def canonical_url(url: str) -> str | None:
    """The canonical URL; None for what does not parse as a URL (a port out of range, a
    broken IPv6 address): never an exception, since it reads what senders and feeds give.
    User info is kept, for the fetch policy to refuse. Idempotent."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError when out of range
        canonical = urlsplit(normalize_url(parts._replace(fragment="")))
    except ValueError:  # UnicodeError (punycode) included
        return None
    return canonical._replace(path=canonical.path or "/").geturl()
