"""Content-Encoding decoding that stops at a limit on the decoded size.

Why not httpx's own decoding: it inflates each network chunk whole, so 64 KiB of a gzip
bomb is some 64 MiB in memory before the caller can count a byte. zlib's ``max_length``
lets the read stop at the limit instead. gzip and deflate are what the fetcher asks for
(Accept-Encoding); anything else a server sends is an error, not a guess.
"""

from __future__ import annotations

import zlib

ACCEPT_ENCODING = "gzip, deflate"
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class Undecodable(Exception):
    """The body is not in the Content-Encoding it claims, or in one we did not ask for."""


class TooLarge(Exception):
    """The decoded body is over the limit."""


class BoundedDecoder:
    """Decodes a body chunk by chunk; raises TooLarge as soon as it passes ``limit``
    decoded bytes, having held at most one byte more than that."""

    def __init__(self, content_encoding: str, limit: int):
        codings = [c for c in (p.strip().lower() for p in content_encoding.split(","))
                   if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in _WBITS):
            raise Undecodable(f"unsupported Content-Encoding {content_encoding!r}")
        self._coding = codings[0] if codings else None
        self._inflater = zlib.decompressobj(_WBITS[self._coding]) if self._coding else None
        self._limit, self._size, self._started = limit, 0, False

    def feed(self, data: bytes) -> bytes:
        out = self._inflate(data) if self._inflater else data
        self._count(out)
        return out

    def flush(self) -> bytes:
        if self._inflater is None:
            return b""
        try:
            out = self._inflater.flush()
        except zlib.error as exc:
            raise Undecodable(f"not valid {self._coding}: {exc}") from None
        self._count(out)
        return out

    def _count(self, out: bytes) -> None:
        self._size += len(out)
        if self._size > self._limit:
            raise TooLarge(f"over {self._limit} bytes decoded")

    def _inflate(self, data: bytes) -> bytes:
        out = bytearray()
        try:
            while data and not self._inflater.eof:
                room = self._limit - self._size - len(out) + 1
                piece = self._inflater.decompress(data, room)
                out += piece
                self._started = True
                if len(piece) >= room:  # over the limit: _count raises
                    break
                data = self._inflater.unconsumed_tail
        except zlib.error as exc:
            if self._coding == "deflate" and not self._started:
                # some servers send raw deflate without the zlib header, as httpx allows
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return bytes(out) + self._inflate(data)
            raise Undecodable(f"not valid {self._coding}: {exc}") from None
        return bytes(out)
