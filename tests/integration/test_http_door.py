"""serve-ingest against hostile and careless clients, on loopback, bounded in count and time:
tokens, TLS and mutual TLS, trickled headers and bodies, connections beyond the cap, bodies
over the limit, and ids the sender cannot choose. The real server and the session broker."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import ssl
import subprocess
import sys
import time

import httpx
import orjson
import pytest

from newsflow import metrics
from newsflow.core.article import article_id
from newsflow.ingest.http.server import Door, serve
from newsflow.local.broker import free_port
from newsflow.kafka.reader import collect
from tests.integration.serve_ingest import ServeIngest

pytestmark = pytest.mark.integration

TOKEN_A, TOKEN_B, TOKEN_C = ("door-token-a-0123456789", "door-token-b-0123456789",
                             "door-token-c-0123456789")
STORY = {"title": "Bridge reopens", "body": "The mayor said the bridge will reopen on Monday.",
         "url": "https://example.com/door/bridge"}


@contextlib.asynccontextmanager
async def running(settings, **changes):
    """serve-ingest (serve(), as the command runs it) on a free loopback port."""
    changed = dataclasses.replace(settings, **changes)
    serving = await serve(changed, free_port(), Door.from_settings(changed))
    try:
        yield serving
    finally:
        await serving.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


async def post(port: int, article: dict, headers: dict, scheme: str = "http", **client) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"{scheme}://127.0.0.1:{port}", timeout=20, **client) as http:
        return await http.post("/articles", content=orjson.dumps(article), headers=headers)


async def raw_connection(port: int, head: bytes = b"") -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if head:
        writer.write(head)
        await writer.drain()
    return reader, writer


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the server sent before closing (or resetting) the connection; fails if it still
    holds it after ``within`` seconds."""
    data = b""
    async with asyncio.timeout(within):
        with contextlib.suppress(ConnectionResetError):
            while chunk := await reader.read(65536):
                data += chunk
    return data


def head(length: int | None = None, token: str = TOKEN_A, chunked: bool = False) -> bytes:
    lines = ["POST /articles HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             f"Authorization: Bearer {token}"]
    lines += ["Transfer-Encoding: chunked"] if chunked else [f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_tokens_are_required_and_any_of_them_rotates_in(settings, tmp_path):
    path = tmp_path / "tokens"
    path.write_text(f"{TOKEN_B}\n")
    async with running(settings, ingest_tokens=TOKEN_A, ingest_tokens_file=str(path)) as door:
        nothing = await post(door.port, STORY, {"Content-Type": "application/json"})
        assert nothing.status_code == 401 and nothing.json()["error"] == "unauthorized"
        assert nothing.headers["WWW-Authenticate"] == 'Bearer realm="newsflow"'
        wrong = await post(door.port, STORY, bearer(TOKEN_C))
        assert wrong.status_code == 401
        assert wrong.headers["WWW-Authenticate"] == 'Bearer realm="newsflow", error="invalid_token"'
        basic = await post(door.port, STORY, {**bearer(TOKEN_A), "Authorization": f"Basic {TOKEN_A}"})
        assert basic.status_code == 401
        for token in (TOKEN_A, TOKEN_B):
            accepted = await post(door.port, STORY, bearer(token))
            assert accepted.status_code == 202, accepted.text
        # rotation: C replaces B in the file, no restart
        path.with_suffix(".new").write_text(f"{TOKEN_C}\n")
        path.with_suffix(".new").rename(path)
        await asyncio.sleep(1.2)
        assert (await post(door.port, STORY, bearer(TOKEN_C))).status_code == 202
        assert (await post(door.port, STORY, bearer(TOKEN_B))).status_code == 401
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{door.port}") as http:
            assert (await http.get("/healthz")).status_code == 200  # open: probes carry no token
            assert (await http.get("/readyz")).json() == {"status": "ready"}
            text = (await http.get("/metrics")).text
    assert 'newsflow_http_ingest_requests_total{status="401"}' in text
    assert 'newsflow_http_ingest_auth_failures_total{reason="missing"}' in text
    assert 'newsflow_http_ingest_auth_failures_total{reason="invalid"}' in text


async def test_committed_articles_are_counted_as_produced(settings):
    raw = metrics.MESSAGES_PRODUCED.labels("raw")
    before = raw._value.get()
    async with running(settings) as door:
        answer = await post(door.port, {**STORY, "url": "https://example.com/door/counted"},
                            {"Content-Type": "application/json"})
        assert answer.status_code == 202, answer.text
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{door.port}") as http:
            text = (await http.get("/metrics")).text
    assert raw._value.get() - before == 1
    assert f'newsflow_messages_produced_total{{topic="raw"}} {before + 1}' in text


async def test_the_id_is_derived_and_a_supplied_one_kept_as_source_id(settings):
    victim = article_id("", "", "https://example.com/door/victim")
    claim = {"id": victim, "title": "Ad", "body": "Buy now.", "url": "https://spam.example/ad"}
    async with running(settings) as door:
        answer = await post(door.port, claim, {"Content-Type": "application/json"})
    [given] = answer.json()["ids"]
    assert given == article_id("Ad", "Buy now.", "https://spam.example/ad") != victim
    found = await collect(settings, ["raw"], lambda f: any(m["id"] == given for m in f["raw"]), 20)
    [message] = [m for m in found["raw"] if m["id"] == given]
    assert message["source_id"] == victim


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA, a server certificate for 127.0.0.1 and a client certificate it signed."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("door-tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=door-ca",
            "-keyout", "ca.key", "-out", "ca.pem")
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    for name in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                "-keyout", f"{name}.key", "-out", f"{name}.csr")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "1", "-extfile", "san.ext", "-out", f"{name}.pem")
    return folder


async def test_https_and_mutual_tls(settings, certificates):
    tls = {"ingest_tls_certfile": str(certificates / "server.pem"),
           "ingest_tls_keyfile": str(certificates / "server.key")}
    trusting = ssl.create_default_context(cafile=certificates / "ca.pem")
    json = {"Content-Type": "application/json"}
    async with running(settings, **tls) as door:
        assert (await post(door.port, STORY, json, "https", verify=trusting)).status_code == 202
        with pytest.raises(httpx.RemoteProtocolError):  # plain HTTP to a TLS port
            await post(door.port, STORY, json)
    async with running(settings, **tls, ingest_tls_client_cafile=str(certificates / "ca.pem")) as door:
        with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
            await post(door.port, STORY, json, "https", verify=trusting)  # no client certificate
        trusting.load_cert_chain(certificates / "client.pem", certificates / "client.key")
        assert (await post(door.port, STORY, json, "https", verify=trusting)).status_code == 202


async def test_connections_trickling_their_headers_are_closed_at_the_header_deadline(settings):
    """200 such connections were all still held after 60 s."""
    async with running(settings, ingest_header_timeout_seconds=1.0) as door:
        connections = [await raw_connection(door.port, b"POST /articles HTTP/1.1\r\n")
                       for _ in range(50)]
        started = time.monotonic()

        async def trickle(writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                for _ in range(20):  # a header byte every 0.3 s, 6 s at most
                    writer.write(b"X")
                    await writer.drain()
                    await asyncio.sleep(0.3)

        trickling = [asyncio.create_task(trickle(writer)) for _, writer in connections]
        await asyncio.gather(*(closed_by_server(reader, within=4) for reader, _ in connections))
        assert time.monotonic() - started < 3
        for task in trickling:
            task.cancel()
        for _, writer in connections:
            writer.close()


async def test_a_trickled_body_is_answered_408_at_the_body_deadline(settings):
    """A body sent at 1 byte / 2 s was held 90 s."""
    async with running(settings, ingest_tokens=TOKEN_A, ingest_body_timeout_seconds=1.0) as door:
        reader, writer = await raw_connection(door.port, head(length=200))
        started = time.monotonic()

        async def trickle() -> None:
            with contextlib.suppress(ConnectionError):
                for _ in range(20):
                    writer.write(b" ")
                    await writer.drain()
                    await asyncio.sleep(0.3)

        trickling = asyncio.create_task(trickle())
        answer = await closed_by_server(reader, within=5)
        trickling.cancel()
        writer.close()
    assert answer.startswith(b"HTTP/1.1 408 ") and b'"body_timeout"' in answer
    assert time.monotonic() - started < 4


async def test_connections_beyond_the_cap_are_refused_and_the_others_still_served(settings):
    """300 idle connections exhausted the descriptors (40,295 'Too many open files')."""
    async with running(settings, ingest_max_connections=20) as door:
        held = [await raw_connection(door.port) for _ in range(20)]
        await asyncio.sleep(0.2)
        for _ in range(30):  # beyond the cap: 503 and closed at once, or closed
            reader, writer = await raw_connection(door.port)
            answer = await closed_by_server(reader, within=2)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 503 ")
            writer.close()
        refused = await post(door.port, STORY, {"Content-Type": "application/json"})
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert refused.json()["error"] == "too_many_connections"
        # a held connection is served as usual
        reader, writer = held[0]
        article = orjson.dumps(STORY)
        writer.write(b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(article), article))
        assert (await closed_by_server(reader, within=10)).startswith(b"HTTP/1.1 202 ")
        for _, writer in held:
            writer.close()
        await asyncio.sleep(0.2)
        assert (await post(door.port, STORY, {"Content-Type": "application/json"})).status_code == 202


async def test_a_body_over_the_limit_is_refused_before_or_as_soon_as_it_passes(settings):
    limit = 1024 * 1024
    async with running(settings, ingest_tokens=TOKEN_A, ingest_max_request_bytes=limit) as door:
        # a declared length over the limit: 413 with no byte of the body sent
        reader, writer = await raw_connection(
            door.port, head(length=10**9).replace(b"application/json", b"application/x-ndjson"))
        answer = await closed_by_server(reader, within=3)
        assert answer.startswith(b"HTTP/1.1 413 ") and b'"oversize"' in answer
        writer.close()
        # a chunked body without end: stopped once past the limit
        reader, writer = await raw_connection(
            door.port, head(chunked=True).replace(b"application/json", b"application/x-ndjson"))
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)

        async def endless() -> bool:
            """Send for 8 s at most; True if the server closed the connection before."""
            try:
                async with asyncio.timeout(8):
                    while True:
                        writer.write(chunk)
                        await writer.drain()
            except ConnectionError:
                return True
            except TimeoutError:
                return False

        sending = asyncio.create_task(endless())
        answer = await closed_by_server(reader, within=10)
        assert await sending  # what came after the 413 was dropped, for a linger of 2 s
        writer.close()
    assert answer.startswith(b"HTTP/1.1 413 ") and b"over 1048576 bytes" in answer


async def test_stdout_of_newsflow_ingest_has_only_derived_ids(settings, tmp_path):
    """An "id" with a line break printed raw forged output lines."""
    lines = [orjson.dumps({"id": "wire-1\nforged-id", "title": "T", "body": "First."}),
             orjson.dumps({"id": "x" * 40, "title": "T", "body": "Second."})]
    env = {"PATH": "/usr/bin:/bin", "NEWSFLOW_BOOTSTRAP": settings.bootstrap,
           "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newsflow.cli", "ingest", "-", env=env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(b"\n".join(lines) + b"\n"), 60)
    assert process.returncode == 0, err
    assert out.decode().splitlines() == [article_id("T", "First."), article_id("T", "Second.")]


async def test_concurrent_large_bodies_keep_memory_bounded(settings, tmp_path):
    """20 concurrent 30 MB bodies took the server from 175 to 811 MiB. Here 20 bodies of
    5 MB against a budget of 8 MiB held: one at a time is read, the others get 503 at once."""
    server = ServeIngest({"NEWSFLOW_BOOTSTRAP": settings.bootstrap,
                          "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix,
                          "NEWSFLOW_INGEST_MAX_BUFFERED_BYTES": str(8 * 1024 * 1024)},
                         tmp_path / "serve-ingest.log").start()

    def batch(n: int) -> bytes:
        return b"\n".join(orjson.dumps({"title": f"Big {n}.{i}", "body": f"{n}.{i} " + "word " * 200_000})
                          for i in range(5))

    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            ndjson = {"Content-Type": "application/x-ndjson"}
            assert (await http.post("/articles", content=batch(-1), headers=ndjson)).status_code == 202
            before = server.peak_rss_mib()
            answers = await asyncio.gather(*(http.post("/articles", content=batch(n), headers=ndjson)
                                             for n in range(20)))
            grown = server.peak_rss_mib() - before
    finally:
        server.stop()
    statuses = [a.status_code for a in answers]
    assert 202 in statuses and set(statuses) <= {202, 503}, statuses
    assert all(a.json()["error"] == "busy" for a in answers if a.status_code == 503)
    assert grown < 80, f"peak RSS grew by {grown:.0f} MiB"
