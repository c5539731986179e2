"""The fault tests' input and their measurements: a steady stream of short articles
(a producer that re-sends what failed, as a real one must), the group's progress,
the worker's memory."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time

import orjson
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from newsflow.kafka.audit import Report, audit, render
from newsflow.kafka.reader import read_topic
from newsflow.config import Settings
from newsflow.errors import Unavailable
from newsflow.core.parse import from_mapping
from newsflow.kafka.clients import admin, consumer, producer, started
from newsflow.local.processes import with_descendants
from newsflow.topics import messages
from newsflow.topics.registry import RAW

CITIES = ("Lyon", "Oslo", "Quito", "Perth", "Accra", "Hanoi", "Tartu", "Cusco")
CHUNK = 50


def article_fields(i: int, paragraphs: int = 1) -> dict:
    """Title and body of short article ``i``: a sentence or two, some with a quote; with
    more ``paragraphs``, as many again about the next cities (longer to enrich)."""
    city = CITIES[i % len(CITIES)]
    body = f"Officials in {city} said on Monday that bridge {i} will reopen next week."
    if i % 3 == 0:
        body += f' "We are ready," said Mayor Anna Berg of {city}.'
    for n in range(1, paragraphs):
        other = CITIES[(i + n) % len(CITIES)]
        body += (f"\n\nIn {other}, engineer Tomas Lind told reporters the works on road {i + n}"
                 f' would end in {n + 1} weeks. "Traffic will flow again," he said.')
    return {"title": f"Bridge {i} in {city}", "body": body}


def article(i: int, paragraphs: int = 1) -> tuple[bytes, bytes]:
    """(key, value) of short article ``i`` as a raw-topic record."""
    item = from_mapping(article_fields(i, paragraphs))
    return item.id.encode(), messages.encode(messages.raw_article(item, time.time()))


class PipedIngest(threading.Thread):
    """`newsflow ingest -` fed JSON lines at ``rate`` per second through its stdin, as
    `tail -f wire.jsonl | newsflow ingest` would: our own producer, recovering (or not) on
    its own."""

    def __init__(self, settings: Settings, lines: list[bytes], rate: float, log_path):
        super().__init__(daemon=True)
        self.lines, self.rate = lines, rate
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsflow.cli", "ingest", "-", "--bootstrap",
             settings.bootstrap, "--topic-prefix", settings.topic_prefix],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log)

    def run(self) -> None:
        started = time.monotonic()
        for n, line in enumerate(self.lines):
            self.process.stdin.write(line + b"\n")
            self.process.stdin.flush()
            time.sleep(max(0.0, started + (n + 1) / self.rate - time.monotonic()))
        self.process.stdin.close()

    def finish(self, timeout: float = 120.0) -> int:
        """Its exit status, once the input is all written and it has exited."""
        self.join(timeout)
        code = self.process.wait(timeout)
        self.log.close()
        return code


class Stream(threading.Thread):
    """Publishes ``items`` ((key, value) pairs) at ``rate`` per second from its own thread
    and event loop; a chunk whose delivery fails is sent again until it is acknowledged."""

    def __init__(self, settings: Settings, items: list[tuple[bytes, bytes]], rate: float):
        super().__init__(daemon=True)
        self.settings = settings
        self.items = items
        self.rate = rate
        self.sent = 0  # acknowledged
        self.resent = 0  # chunks sent again after a failure
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._publish())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    async def _publish(self) -> None:
        sender = await started(producer(self.settings, request_timeout_ms=15000), self.settings)
        topic = RAW.name(self.settings.topic_prefix)
        began = time.monotonic()
        try:
            for start in range(0, len(self.items), CHUNK):
                chunk = self.items[start:start + CHUNK]
                while True:
                    try:
                        pending = [await sender.send(topic, value, key=key) for key, value in chunk]
                        await asyncio.gather(*pending)
                        break
                    except Exception:  # noqa: BLE001 - the broker is away: send again
                        self.resent += 1
                        await asyncio.sleep(0.5)
                self.sent += len(chunk)
                ahead = began + self.sent / self.rate - time.monotonic()
                if ahead > 0:
                    await asyncio.sleep(ahead)
        finally:
            await sender.stop()

    def speed_up(self, rate: float) -> None:
        """Send the rest at ``rate`` per second: a slow stream that must outlast a fault
        (however long it takes here) ends soon after it."""
        self.rate = rate

    def finish(self, timeout: float = 120.0) -> None:
        self.join(timeout)
        assert not self.is_alive(), "the stream did not finish"
        assert self.error is None, self.error


async def _progress(settings: Settings) -> tuple[int, int]:
    """(sum of the group's committed raw offsets, sum of the raw end offsets)."""
    asker = await started(admin(settings), settings)
    try:
        client = await started(consumer(settings), settings)
    except BaseException:
        await asker.close()
        raise
    try:
        topic = RAW.name(settings.topic_prefix)
        committed = await asker.list_consumer_group_offsets(settings.app_id)
        tps = [TopicPartition(topic, p) for p in range(settings.partitions)]
        ends = await client.end_offsets(tps)
        done = sum(committed[tp].offset for tp in tps if tp in committed and committed[tp].offset > 0)
        return done, sum(ends.values())
    finally:
        await client.stop()
        await asker.close()


def progress(settings: Settings) -> tuple[int, int]:
    """(committed, end) of the raw topic; (0, 0) while the broker can't tell."""
    try:
        return asyncio.run(_progress(settings))
    except (KafkaError, Unavailable):
        return 0, 0


def wait_caught_up(settings: Settings, timeout: float = 120.0) -> float:
    """Until the group has committed every raw record; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        done, total = progress(settings)
        if total and done >= total:
            return time.monotonic() - started
        time.sleep(0.5)
    raise TimeoutError(f"worker not caught up after {timeout:.0f}s: {progress(settings)}")


def wait_progress(settings: Settings, beyond: int, timeout: float = 120.0) -> None:
    """Until the group's committed offsets move past ``beyond``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if progress(settings)[0] > beyond:
            return
        time.sleep(0.25)
    raise TimeoutError(f"no progress past {beyond} within {timeout:.0f}s")


class ProgressWatch(threading.Thread):
    """Samples the group's committed raw offsets every ``every`` seconds while a fault
    runs: the longest time they stood still with records waiting is what the fault cost
    the stream."""

    def __init__(self, settings: Settings, every: float = 1.0):
        super().__init__(daemon=True)
        self.settings, self.every = settings, every
        self.samples: list[tuple[float, int, int]] = []  # (monotonic time, committed, end)
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            # (0, 0) when the cluster could not tell: counted as standing still
            self.samples.append((time.monotonic(), *progress(self.settings)))

    def longest_stall(self) -> float:
        """The longest time between two moves of the committed offsets while behind."""
        self._done.set()
        self.join()
        longest, since, last = 0.0, None, -1
        for at, done, total in self.samples:
            if since is None or done > last or (total and done >= total):
                since, last = at, max(done, last)
            longest = max(longest, at - since)
        return round(longest, 2)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (the worker's enrichment process)."""
    total = 0.0
    for member in with_descendants(pid):
        try:
            for line in open(f"/proc/{member}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:  # it has just ended
            pass
    return total


def audit_into(settings: Settings, figures: dict) -> Report:
    """Run the audit; add its counts to ``figures``."""
    report = asyncio.run(audit(settings))
    print(render(report))
    figures.update(
        raw_messages=report.raw_messages, articles_in=report.articles,
        ingested_again=report.ingested_again, unparseable=report.unparseable,
        enriched=report.enriched, dead_lettered=report.dead_letters,
        out=report.enriched + report.dead_letters,
        missing=len(report.missing), duplicated=len(report.duplicated),
    )
    return report


def read_messages(settings: Settings, topic: str) -> list[dict]:
    """Every committed message of ``topic``, decoded."""
    async def read():
        return [orjson.loads(record.value) async for record in read_topic(settings, topic)]

    return asyncio.run(read())
