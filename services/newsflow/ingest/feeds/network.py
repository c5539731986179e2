"""The fetcher's network: every connection goes to an address the fetch policy accepted.

A host name is resolved here, every address it resolves to is checked (one refused address
refuses the name: a name resolving to a public and a private address is the classic
trick), and the connection is made to a checked address rather than to the name, so DNS
rebinding (another answer between the check and the connect) cannot slip through. This is
below httpx, so it holds for every connection: feed, page, robots.txt, each redirect hop.
TLS still verifies the certificate against the URL's host name: httpcore passes that name
to the handshake, whatever address the stream is connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from newsflow.ingest.feeds.policy import AllowList, IPAddress


class RefusedAddress(Exception):
    """The host resolves to an address the policy refuses."""


class Unresolvable(Exception):
    """The host name does not resolve."""


async def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses of ``host``, in the resolver's order of preference, without repeats
    (getaddrinfo also reads numeric forms such as 2130706433 and 0x7f.1)."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(host) from exc
    addresses = [ipaddress.ip_address(sockaddr[0]) for *_, sockaddr in found]
    return list(dict.fromkeys(addresses))


class CheckedNetwork(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, with the policy between the name and the connection."""

    def __init__(self, allow: AllowList, network: httpcore.AsyncNetworkBackend | None = None,
                 resolver: Callable[[str, int], Awaitable[list[IPAddress]]] = resolve):
        self._allow = allow
        self._network = network or httpcore.AnyIOBackend()
        self._resolve = resolver

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable | None = None) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port)
        if not addresses or not all(self._allow.permits(host, a) for a in addresses):
            raise RefusedAddress(host)
        failure: Exception | None = None
        for address in addresses:  # the next one when a host has several and one is down
            try:
                return await self._network.connect_tcp(str(address), port, timeout,
                                                       local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise RefusedAddress(path)

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


class CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on a CheckedNetwork. httpx 0.28 takes no network backend, so the
    connection pool it builds is replaced by the same pool on the checked network
    (tests/unit/test_fetch_policy.py fails if an httpx upgrade stops honouring this)."""

    def __init__(self, allow: AllowList, verify: ssl.SSLContext | bool = True,
                 limits: httpx.Limits = httpx.Limits(max_connections=100,
                                                     max_keepalive_connections=20)):
        super().__init__(verify=verify, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=CheckedNetwork(allow),
        )
