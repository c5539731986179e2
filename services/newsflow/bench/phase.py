"""Benchmark phases through a real broker: start `newsflow worker` processes, publish a
backlog to the raw topic, time how fast they drain it; offer a paced load and measure end-to-end latency;
read the workers' peak RSS.

The workers are separate processes (runner.WorkerProcess), so whatever `newsflow worker`
runs is what gets measured. Enriched articles are seen by a read_committed consumer in
this process, started before any worker; times are its receive times (time.time(), the
same clock the raw records are stamped with).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path

import orjson

from newsflow.bench.cpu import CpuClock
from newsflow.local.processes import with_descendants
from newsflow.config import Settings
from newsflow.core.article import Article
from newsflow.kafka.admin import create_topics
from newsflow.local.broker import free_port
from newsflow.kafka.clients import consumer, producer, started
from newsflow.local.worker_process import WORKER_COMMAND, WorkerProcess
from newsflow.topics import messages
from newsflow.topics.registry import ENRICHED, RAW

READY_TIMEOUT = 180.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))]


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a live process and its descendants (the worker's
    enrichment process), summed, in MiB."""
    total = 0.0
    for member in with_descendants(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


class Phase:
    """One measurement: its own topics and consumer group (unique prefix and app id), its
    worker processes, and the receive times of its enriched articles by id.
    ``broker_pid``: the local broker's process, whose CPU use is reported."""

    def __init__(self, base: Settings, name: str, workdir: Path, workers: int = 1,
                 command: tuple[str, ...] = WORKER_COMMAND, broker_pid: int | None = None):
        unique = uuid.uuid4().hex[:8]
        self.name = name
        self.settings = base.override(topic_prefix=f"{base.topic_prefix}bench{unique}.{name}.",
                                      app_id=f"{base.app_id}-bench-{unique}-{name}")
        self.workdir = Path(workdir) / name
        self.count = workers
        self.command = command
        self.broker_pids = [broker_pid] if broker_pid else []
        self.workers: list[WorkerProcess] = []
        self.arrived: dict[str, float] = {}
        self._client = None
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> "Phase":
        await create_topics(self.settings)
        self._client = await started(
            consumer(self.settings, ENRICHED.name(self.settings.topic_prefix)), self.settings)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(asyncio.to_thread(worker.stop) for worker in self.workers))
        self._reader.cancel()
        await self._client.stop()

    async def _read(self) -> None:
        while True:
            batch = await self._client.getmany(timeout_ms=100)
            now = time.time()
            for records in batch.values():
                for record in records:
                    self.arrived.setdefault(record.key.decode(), now)

    def _start_workers(self) -> None:
        for n in range(self.count):
            settings = self.settings.override(web_port=free_port(), worker_id=f"bench-{n}",
                                              data_dir=str(self.workdir / f"worker{n}"))
            self.workers.append(WorkerProcess(settings, self.workdir / f"worker{n}.log",
                                              self.command).start())
        for worker in self.workers:
            worker.wait_healthy(READY_TIMEOUT)
        self._wait_assigned()

    def _wait_assigned(self) -> None:
        """Until every worker owns raw partitions and together they own them all, once:
        the group has settled, no rebalance is pending."""
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            owned = []
            for worker in self.workers:
                try:
                    owned.append(orjson.loads(worker.get("/readyz"))["assigned_partitions"])
                except (OSError, ValueError):
                    owned.append([])  # 503 until ready
            flat = sorted(p for partitions in owned for p in partitions)
            if all(owned) and flat == list(range(self.settings.partitions)):
                return
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: the workers did not share the raw partitions "
                           f"within {READY_TIMEOUT:.0f}s:\n{self.workers[0].tail_log()}")

    async def publish(self, articles: list[Article], rate: float | None = None) -> dict[str, float]:
        """Publish to the raw topic, round-robin over its partitions (an even load per
        worker), as fast as possible or ``rate`` per second; id -> record timestamp (s)."""
        client = await started(producer(self.settings), self.settings)
        topic, sent, pending = RAW.name(self.settings.topic_prefix), {}, []
        began = time.time()
        try:
            for n, article in enumerate(articles):
                if rate:
                    await asyncio.sleep(max(0.0, began + n / rate - time.time()))
                at = time.time()
                value = messages.encode(messages.raw_article(article, at))
                pending.append(await client.send(topic, value, key=article.id.encode(),
                                                 partition=n % self.settings.partitions,
                                                 timestamp_ms=int(at * 1000)))
                sent[article.id] = at
            await asyncio.gather(*pending)
        finally:
            await client.stop()
        return sent

    async def _wait_for(self, ids: set[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ids <= self.arrived.keys():
            for worker in self.workers:
                if worker.process.poll() is not None:
                    raise RuntimeError(f"{self.name}: worker exited:\n{worker.tail_log()}")
            if time.monotonic() > deadline:
                missing = len(ids - self.arrived.keys())
                raise TimeoutError(f"{self.name}: {missing} of {len(ids)} articles not enriched "
                                   f"after {timeout:.0f}s:\n{self.workers[0].tail_log()}")
            await asyncio.sleep(0.05)

    async def saturation(self, articles: list[Article], timeout: float) -> dict:
        """Start the workers and let them take their partitions, then drain a backlog."""
        await self.start_workers()
        return await self.drain(articles, timeout)

    async def start_workers(self) -> None:
        """Start the workers; return once they share every raw partition."""
        await asyncio.to_thread(self._start_workers)

    async def drain(self, articles: list[Article], timeout: float) -> dict:
        """Publish the whole backlog at once and time the drain: ``articles_per_s`` is
        every article over the time from the first publish to the last enriched article
        received. Model loading and the group join are left out (the workers are up), and
        no rebalance falls inside the drain. ``cores``: the cores each party used over
        that same span."""
        clock = CpuClock({"workers": [p for worker in self.workers
                                      for p in with_descendants(worker.process.pid)],
                          "broker": self.broker_pids, "bench": [os.getpid()]})
        began = time.time()
        await self.publish(articles)
        filled = time.time() - began
        await self._wait_for({article.id for article in articles}, timeout)
        cores = clock.cores()
        last = max(self.arrived[article.id] for article in articles)
        return {
            "articles": len(articles),
            "articles_per_s": len(articles) / (last - began),
            "drain_seconds": last - began,
            "fill_seconds": filled,
            "cores": cores,
        }

    async def latency(self, articles: list[Article], rate: float, timeout: float) -> dict:
        """Offer ``rate`` articles/s to the running workers; end-to-end latency from each
        raw record's timestamp to the receipt of its enriched article."""
        sent = await self.publish(articles, rate)
        await self._wait_for(set(sent), timeout)
        seconds = [self.arrived[article_id] - at for article_id, at in sent.items()]
        return {
            "offered_articles_per_s": rate,
            "articles": len(seconds),
            **{f"p{q}_s": percentile(seconds, q) for q in (50, 95, 99)},
            "max_s": max(seconds),
        }

    def peak_rss_mb(self) -> list[float]:
        return [peak_rss_mb(worker.process.pid) for worker in self.workers]
