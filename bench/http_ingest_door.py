"""serve-ingest under load and hostile clients, for docs/ingestion.md: figures, not tests.

* memory: the server's RSS before and its peak (VmHWM) while 20 clients POST a 30 MB JSONL
  body each at once (30 articles of ~1 MB);
* trickling: 200 connections that send a header byte a second; how many the server still
  holds after 15 s and after 60 s;
* throughput: requests/s for small one-article requests, 32 clients in parallel, and the
  server's CPU time per request (which a busy machine disturbs less).

Everything runs on 127.0.0.1 against a local broker of its own and stops by itself. With
--pythonpath DIR the server runs the newsflow package found there (an older checkout, to
compare: DIR/newsflow must be the package, with its topics/ inside).

Usage: python bench/http_ingest_door.py [--pythonpath DIR] [--requests 3000] [--only NAME]
Prints what it measures, then the figures as JSON on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import httpx
import orjson

from newsflow.config import Settings
from newsflow.kafka.admin import create_topics
from newsflow.local.broker import LocalKafka, free_port
from newsflow.local.processes import terminate

TOKEN = "bench-token-0123456789abcdef"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (a figure that holds on a busy machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


class Server:
    def __init__(self, bootstrap: str, prefix: str, pythonpath: str | None, log: Path):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
        env.update(NEWSFLOW_BOOTSTRAP=bootstrap, NEWSFLOW_TOPIC_PREFIX=prefix,
                   NEWSFLOW_INGEST_TOKENS=TOKEN, NEWSFLOW_LOG_LEVEL="WARNING")
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsflow.cli", "serve-ingest", "--port", str(self.port)],
            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                with __import__("socket").create_connection(("127.0.0.1", self.port), 1):
                    break
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.2)
        time.sleep(1.0)  # the producer connected (the old server binds after that, too)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        terminate(self.process, 15)


async def memory(server: Server) -> dict:
    article = lambda n, i: orjson.dumps({"title": f"Big {n}.{i}",
                                         "body": f"{n}.{i} " + "word " * 200_000})
    body = lambda n: b"\n".join(article(n, i) for i in range(30))
    headers = {"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {TOKEN}"}
    before = status_kib(server.process.pid, "VmRSS") / 1024
    async def post(http: httpx.AsyncClient, n: int) -> int | str:
        try:
            return (await http.post("/articles", content=body(n), headers=headers)).status_code
        except httpx.TransportError:  # refused while still sending, past the linger
            return "reset"

    async with httpx.AsyncClient(base_url=server.url, timeout=300) as http:
        answers = await asyncio.gather(*(post(http, n) for n in range(20)))
    peak = status_kib(server.process.pid, "VmHWM") / 1024
    statuses = sorted(answers, key=str)
    print(f"memory: RSS {before:.0f} MiB before, peak {peak:.0f} MiB; statuses {statuses}")
    return {"rss_before_mib": round(before), "rss_peak_mib": round(peak),
            "accepted": statuses.count(202), "refused": len(statuses) - statuses.count(202)}


async def trickling(server: Server, clients: int = 200) -> dict:
    connections = []
    for _ in range(clients):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"POST /articles HTTP/1.1\r\n")
        connections.append((reader, writer))
    started = time.monotonic()

    async def held(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, until: float) -> bool:
        """Trickle a byte a second; whether the connection is still open at ``until``."""
        try:
            while time.monotonic() < until:
                writer.write(b"X")
                await writer.drain()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1):
                        if await reader.read(1024) == b"":
                            return False
            return True
        except ConnectionError:
            return False

    figures = {}
    for checkpoint in (15, 60):
        alive = await asyncio.gather(*(held(r, w, started + checkpoint) for r, w in connections))
        figures[f"held_after_{checkpoint}s"] = sum(alive)
        connections = [c for c, a in zip(connections, alive) if a]
        print(f"trickling: {sum(alive)} of {clients} connections held after {checkpoint} s")
        if not connections:
            figures["held_after_60s"] = 0
            break
    for _, writer in connections:
        writer.close()
    return figures


async def throughput(server: Server, requests: int, concurrency: int = 32) -> dict:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
    run = uuid.uuid4().hex[:6]
    numbers = iter(range(requests))
    statuses: list[int] = []

    async def client(http: aiohttp.ClientSession) -> None:
        for n in numbers:
            article = {"title": f"Small {n}", "body": f"The council voted {n} to 3 on Monday.",
                       "url": f"https://bench.example/{run}/{n}"}
            async with http.post("/articles", data=orjson.dumps(article), headers=headers) as answer:
                await answer.read()
                statuses.append(answer.status)

    # aiohttp's client: httpx costs several times its CPU per request, and the client
    # shares the machine's two cores with the server and the broker
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(server.url, connector=connector) as http:
        started, cpu = time.monotonic(), cpu_seconds(server.process.pid)
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        elapsed, cpu = time.monotonic() - started, cpu_seconds(server.process.pid) - cpu
        async with http.get("/metrics") as answer:
            metrics = await answer.text()
    rate = requests / elapsed
    committed = [float(line.split()[-1]) for line in metrics.splitlines()
                 if line.startswith('newsflow_http_ingest_transactions_total{outcome="committed"}')]
    print(f"throughput: {rate:.0f} requests/s ({requests} in {elapsed:.1f} s, {concurrency} "
          f"clients), server CPU {1000 * cpu / requests:.1f} ms per request; statuses "
          f"{sorted(set(statuses))}; transactions {committed or 'none'}")
    return {"requests_per_second": round(rate), "all_202": set(statuses) == {202},
            "server_cpu_ms_per_request": round(1000 * cpu / requests, 2),
            **({"requests_per_transaction": round(requests / committed[0], 1)} if committed else {})}


async def main(pythonpath: str | None, requests: int, only: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-door-") as folder:
        broker = LocalKafka(Path(folder) / "kafka").start()
        try:
            settings = Settings(bootstrap=broker.bootstrap, topic_prefix=f"b{uuid.uuid4().hex[:6]}.")
            await create_topics(settings)
            figures = {}
            for name, measure in (("throughput", lambda s: throughput(s, requests)),
                                  ("memory", memory), ("trickling", trickling)):
                if only and name not in only:
                    continue
                server = Server(broker.bootstrap, settings.topic_prefix, pythonpath,
                                Path(folder) / f"{name}.log")
                try:
                    figures[name] = await measure(server)
                finally:
                    server.stop()
            return figures
        finally:
            broker.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythonpath", help="run the server from the newsflow package here")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--only", action="append", default=[],
                        choices=["throughput", "memory", "trickling"], help="this figure only")
    args = parser.parse_args()
    print(orjson.dumps(asyncio.run(main(args.pythonpath, args.requests, args.only))).decode())
