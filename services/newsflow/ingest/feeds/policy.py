"""What feed ingestion may fetch: the guard against server-side request forgery (SSRF).

Feeds are written by strangers, and their item links and redirects name whatever they like:
http://127.0.0.1:6379/, http://169.254.169.254/latest/meta-data/, http://0x7f.1/,
file:///etc/passwd. Only http and https URLs without user:password@ are fetched, and only
from public addresses, judged on what a name resolves to (checked_network.py does that at
connect time), unless the operator's allow-list (NEWSFLOW_FETCH_ALLOW) names the private
network or host. Pure: no I/O here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# One text for every refusal, whatever the reason: what the fetcher refuses, it refuses
# before sending a packet, so nobody learns anything about the address it was sent to.
REFUSED = ("refused by the fetch policy (http/https without user:password@, to public "
           "addresses or NEWSFLOW_FETCH_ALLOW; see docs/security.md)")

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # DNS64 networks reach IPv4 sites through it
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


class Refused(Exception):
    """Not fetched, by policy; the message is always REFUSED."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class InvalidURL(ValueError):
    """Not a URL that can be fetched at all (no host, a port out of range, bad syntax)."""


def check_url(url: str) -> httpx.URL:
    """The URL, parsed, if its form may be fetched; else Refused or InvalidURL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidURL(f"not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or parsed.userinfo:
        raise Refused()
    if not parsed.host:
        raise InvalidURL("no host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InvalidURL(f"port {parsed.port} out of range")
    return parsed


def is_public(address: IPAddress) -> bool:
    """Whether the address is a public unicast one: not loopback, private (RFC 1918,
    CGNAT, unique local), link-local (the cloud metadata address too), unspecified,
    multicast, reserved or documentation, nor an IPv6 form of one of those."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    if address.is_multicast or address.is_reserved or not address.is_global:
        return False
    return not (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


@dataclass(frozen=True, slots=True)
class AllowList:
    """Private networks and host names that may be fetched all the same (private feeds)."""

    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> "AllowList":
        """From NEWSFLOW_FETCH_ALLOW: comma-separated CIDRs, addresses and host names;
        ValueError names an entry that is none of those."""
        networks, hosts = [], set()
        for entry in (part.strip() for part in text.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            name = entry.lower().rstrip(".")
            if not _HOST_NAME.fullmatch(name):
                raise ValueError(f"{entry!r} is neither a CIDR, an address nor a host name")
            hosts.add(name)
        return cls(tuple(networks), frozenset(hosts))

    def permits(self, host: str, address: IPAddress) -> bool:
        """Whether ``address``, which ``host`` resolved to, may be fetched."""
        if is_public(address) or host.lower().rstrip(".") in self.hosts:
            return True
        address = _embedded_ipv4(address) or address
        return any(address in network for network in self.networks
                   if network.version == address.version)


PUBLIC_ONLY = AllowList()
