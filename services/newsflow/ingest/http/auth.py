"""Who may use serve-ingest: bearer tokens (several at once, for rotation), TLS and mutual
TLS, and the refusal to listen beyond loopback with neither (docs/security.md)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import re
import ssl
import time
from collections.abc import Callable, Iterable

from newsflow.config import Settings
from newsflow.errors import ConfigError

log = logging.getLogger(__name__)

MIN_TOKEN_CHARS = 16
RECHECK_SECONDS = 1.0  # the token file is looked at (one stat) at most this often
# RFC 6750 b64token: what may follow "Bearer " in a header, hence what a token may be
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class DoorError(ConfigError):
    """Settings that cannot make a safe door; the message says which to fix."""


def _digests(tokens: Iterable[tuple[str, str]]) -> frozenset[bytes]:
    """SHA-256 of each (token, where it came from), after checking it; digests compare in
    constant time whatever the lengths."""
    found = set()
    for token, where in tokens:
        if not _TOKEN.fullmatch(token):
            raise DoorError(f"{where}: a token is letters, digits and -._~+/ (then = padding)")
        if len(token) < MIN_TOKEN_CHARS:
            raise DoorError(f"{where}: a token needs at least {MIN_TOKEN_CHARS} characters")
        found.add(hashlib.sha256(token.encode()).digest())
    return frozenset(found)


def _file_tokens(path: str) -> frozenset[bytes]:
    """The tokens of a file: one a line; blank lines and # comments skipped."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DoorError(f"NEWSFLOW_INGEST_TOKENS_FILE={path!r}: {exc}") from None
    return _digests((line.strip(), f"NEWSFLOW_INGEST_TOKENS_FILE={path!r} line {number}")
                    for number, line in enumerate(lines, 1)
                    if line.strip() and not line.lstrip().startswith("#"))


def _stamp(path: str) -> tuple | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


class Tokens:
    """The accepted bearer tokens: NEWSFLOW_INGEST_TOKENS and the lines of
    NEWSFLOW_INGEST_TOKENS_FILE. The file is read again when it changes (renamed over,
    rewritten: looked at once a second at most) and on :meth:`reload` (SIGHUP), so tokens
    rotate without a restart. A file that is gone accepts nothing (deleting it revokes its
    tokens); one that cannot be read or holds a bad token keeps the tokens it had (a typo
    does not lock every client out). Both are logged."""

    def __init__(self, inline: str = "", path: str = "",
                 clock: Callable[[], float] = time.monotonic):
        self._inline = _digests((token.strip(), "NEWSFLOW_INGEST_TOKENS")
                                for token in inline.split(",") if token.strip())
        self._path, self._clock = path, clock
        self._stamp = _stamp(path) if path else None
        self._from_file = _file_tokens(path) if path else frozenset()
        self._checked = clock()

    @property
    def configured(self) -> bool:
        """Whether requests must carry a token (any source is set, even if now empty)."""
        return bool(self._inline) or bool(self._path)

    def reload(self) -> None:
        """Read the file again now, whether it changed or not."""
        if self._path:
            self._stamp = _stamp(self._path)
            self._read()

    def accepts(self, presented: str) -> bool:
        """Whether ``presented`` is one of the tokens; compared with every one of them, in
        constant time, so the answer's timing says nothing about how close it was."""
        self._maybe_reload()
        digest = hashlib.sha256(presented.encode("utf-8", "replace")).digest()
        matched = False
        for known in self._inline | self._from_file:
            matched |= hmac.compare_digest(digest, known)
        return matched

    def _maybe_reload(self) -> None:
        now = self._clock()
        if not self._path or now - self._checked < RECHECK_SECONDS:
            return
        self._checked = now
        stamp = _stamp(self._path)
        if stamp != self._stamp:
            self._stamp = stamp
            self._read()

    def _read(self) -> None:
        try:
            self._from_file = _file_tokens(self._path)
        except DoorError as exc:
            if _stamp(self._path) is None:
                self._from_file = frozenset()
                log.error("%s: its tokens are no longer accepted", exc)
            else:
                log.error("%s: keeping the tokens read before", exc)
            return
        log.info("ingest tokens read from %s: %d", self._path, len(self._from_file))


def server_tls(settings: Settings) -> ssl.SSLContext | None:
    """The HTTPS context (None: plain HTTP); with a client CA, clients must present a
    certificate it signed (mutual TLS)."""
    cert, key = settings.ingest_tls_certfile, settings.ingest_tls_keyfile
    if not cert:
        if key or settings.ingest_tls_client_cafile:
            raise DoorError("NEWSFLOW_INGEST_TLS_KEYFILE and _CLIENT_CAFILE need "
                            "NEWSFLOW_INGEST_TLS_CERTFILE (the server's certificate)")
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key or None)
        if settings.ingest_tls_client_cafile:
            context.load_verify_locations(settings.ingest_tls_client_cafile)
            context.verify_mode = ssl.CERT_REQUIRED
    except (OSError, ssl.SSLError) as exc:
        raise DoorError(f"cannot load the TLS files (NEWSFLOW_INGEST_TLS_CERTFILE, _KEYFILE, "
                        f"_CLIENT_CAFILE): {exc}") from None
    return context


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name, or "" (every interface)
        return False


def check_exposure(settings: Settings, tokens: Tokens, tls: ssl.SSLContext | None) -> None:
    """Refuse to listen beyond loopback with no authentication (tokens or client
    certificates) unless NEWSFLOW_INGEST_ALLOW_UNAUTHENTICATED says so."""
    mutual_tls = tls is not None and tls.verify_mode == ssl.CERT_REQUIRED
    if (is_loopback(settings.bind) or tokens.configured or mutual_tls
            or settings.ingest_allow_unauthenticated):
        return
    raise DoorError(
        f"refusing to listen on {settings.bind or 'every interface'} without authentication: "
        f"set NEWSFLOW_INGEST_TOKENS or NEWSFLOW_INGEST_TOKENS_FILE (or mutual TLS), or "
        f"NEWSFLOW_INGEST_ALLOW_UNAUTHENTICATED=true on a trusted network")
