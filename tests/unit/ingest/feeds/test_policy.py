"""The fetch policy (SSRF): which URLs and addresses may be fetched, checked at connect time."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess

import httpcore
import httpx
import pytest
from aiohttp import web

from newsflow.ingest.feeds.network import CheckedNetwork, CheckedTransport, RefusedAddress
from newsflow.ingest.feeds.policy import (PUBLIC_ONLY, REFUSED, AllowList, InvalidURL, Refused,
                                   check_url, is_public)
from newsflow.local.broker import free_port
from newsflow.ingest.feeds.fetcher import Fetcher, FetchError, Limits
from tests.fixtures.feeds.hostile import SecretServer

REFUSED_ADDRESSES = [
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255",
    "192.168.1.1", "100.64.0.1", "100.127.255.254", "169.254.169.254", "169.254.0.1",
    "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "192.0.2.1", "198.18.0.1", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1",
    "fe80::1%1", "fec0::1", "ff02::1", "ff0e::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1", "2002:c0a8:101::1", "2001:db8::1", "2001::1",
]
PUBLIC_ADDRESSES = ["8.8.8.8", "93.184.215.14", "1.1.1.1", "2606:4700:4700::1111",
                    "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
                    "2002:808:808::1"]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_loopback_private_link_local_and_special_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_are_public_in_any_form(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:6379/_INFO", "data:,x",
    "javascript:alert(1)", "dict://127.0.0.1:11211/stats", "http://user:pass@example.com/",
    "http://example.com@127.0.0.1/", "https://token@example.com/feed.xml",
])
def test_other_schemes_and_user_info_are_refused_with_one_text(url):
    with pytest.raises(Refused) as caught:
        check_url(url)
    assert str(caught.value) == REFUSED


@pytest.mark.parametrize("url", ["http://example.com:99999/", "http://example.com:0/",
                                 "http://[::1/", "http:///path"])
def test_urls_that_are_not_urls_are_invalid(url):
    with pytest.raises(InvalidURL):
        check_url(url)


def test_a_plain_web_url_passes():
    assert check_url("https://Example.com:8443/a?b=1").host == "example.com"


def test_the_allow_list_takes_cidrs_addresses_and_host_names():
    allow = AllowList.parse(" 10.0.0.0/8, 127.0.0.2 ,Feeds.Intranet.,fd00::/8,")
    assert allow.networks == (ipaddress.ip_network("10.0.0.0/8"),
                              ipaddress.ip_network("127.0.0.2/32"),
                              ipaddress.ip_network("fd00::/8"))
    assert allow.hosts == {"feeds.intranet"}
    assert AllowList.parse("") == PUBLIC_ONLY


@pytest.mark.parametrize("entry", ["not a host", "10.0.0.0/33", "http://x/", "a:80"])
def test_an_allow_list_entry_that_is_nothing_is_an_error(entry):
    with pytest.raises(ValueError, match="neither"):
        AllowList.parse(f"10.0.0.0/8,{entry}")


def test_the_allow_list_lets_in_what_it_names_and_nothing_else():
    allow = AllowList.parse("127.0.0.2, feeds.intranet")
    address = ipaddress.ip_address
    assert allow.permits("127.0.0.2", address("127.0.0.2"))
    assert allow.permits("whatever", address("::ffff:127.0.0.2"))  # the mapped form too
    assert not allow.permits("127.0.0.1", address("127.0.0.1"))
    assert allow.permits("FEEDS.intranet.", address("10.9.8.7"))  # a name: whatever it resolves to
    assert not allow.permits("other.intranet", address("10.9.8.7"))
    assert not PUBLIC_ONLY.permits("localhost", address("127.0.0.1"))
    assert PUBLIC_ONLY.permits("example.com", address("93.184.215.14"))


class RecordingNetwork(httpcore.AsyncNetworkBackend):
    """Connects nowhere: records where it was asked to connect."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None,
                          socket_options=None):
        self.asked.append((host, port))
        return "a stream"

    async def sleep(self, seconds):
        pass


# All of these name this machine or a private or link-local address; numeric forms are read
# by getaddrinfo itself (no DNS query). The recording network makes sure that nothing is
# sent even if the check were wrong: 169.254.169.254 and 10.0.0.1 are never targets here.
LOCAL_NAMES = ["127.0.0.1", "localhost", "::1", "::ffff:127.0.0.1", "2130706433", "0177.0.0.1",
               "0x7f.1", "0.0.0.0", "0", "169.254.169.254", "10.0.0.1", "100.64.0.1"]


@pytest.mark.parametrize("host", LOCAL_NAMES)
async def test_names_of_local_and_private_addresses_are_refused_before_connecting(host):
    network = RecordingNetwork()
    with pytest.raises(RefusedAddress):
        await CheckedNetwork(PUBLIC_ONLY, network).connect_tcp(host, 80)
    assert network.asked == []


async def test_the_connection_goes_to_the_checked_address_not_the_name():
    network = RecordingNetwork()

    async def resolver(host, port):
        return [ipaddress.ip_address("93.184.215.14")]

    checked = CheckedNetwork(PUBLIC_ONLY, network, resolver)
    assert await checked.connect_tcp("news.example", 443) == "a stream"
    assert network.asked == [("93.184.215.14", 443)]


async def test_a_name_with_one_private_address_among_public_ones_is_refused():
    network = RecordingNetwork()

    async def resolver(host, port):
        return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("127.0.0.1")]

    with pytest.raises(RefusedAddress):
        await CheckedNetwork(PUBLIC_ONLY, network, resolver).connect_tcp("rebind.example", 80)
    assert network.asked == []


async def test_an_allow_listed_address_is_connected_to():
    network = RecordingNetwork()
    await CheckedNetwork(AllowList.parse("127.0.0.2"), network).connect_tcp("127.0.0.2", 8080)
    assert network.asked == [("127.0.0.2", 8080)]


async def test_unix_sockets_are_refused():
    with pytest.raises(RefusedAddress):
        await CheckedNetwork(PUBLIC_ONLY, RecordingNetwork()).connect_unix_socket("/run/x.sock")


async def test_the_fetcher_really_connects_through_the_checked_network():
    """127.0.0.1 passes every check on the URL: only the connect-time check refuses it,
    so this fails if httpx stopped using the checked pool."""
    secret = await SecretServer().start()
    fetcher = Fetcher(Limits(min_gap=0, backoff=0.01))
    try:
        for allow_private in (False, True):
            with pytest.raises(FetchError) as caught:
                await fetcher.get(f"{secret.base}/secret", allow_private=allow_private)
            assert caught.value.kind == "refused" and REFUSED in str(caught.value)
    finally:
        await fetcher.close()
        await secret.stop()
    assert secret.requests == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A CA and a server certificate for the name "localhost" only."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
            "-keyout", "ca.key", "-out", "ca.pem")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-keyout", "server.key", "-out", "server.csr")
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-extfile", "san.ext", "-out", "server.pem")
    return folder


async def test_tls_verifies_the_url_host_name_though_the_connection_is_to_an_address(
        certificate):
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certificate / "server.pem", certificate / "server.key")
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="over TLS")

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=server_tls).start()
    trust = ssl.create_default_context(cafile=str(certificate / "ca.pem"))
    allow = AllowList.parse("localhost, 127.0.0.1")
    try:
        async with httpx.AsyncClient(transport=CheckedTransport(allow, verify=trust)) as client:
            answer = await client.get(f"https://localhost:{port}/")  # a name: verified
            assert answer.text == "over TLS"
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.get(f"https://127.0.0.1:{port}/")  # the certificate isn't for it
    finally:
        await runner.cleanup()
