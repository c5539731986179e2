"""The whole stack behind the console for the browser tests and the console's measure: a
real broker, the topics, a worker and `newsflow archive --serve` (the sink, the search API
and the console in one process), each a real process with its log kept; and the ways to
feed it (articles through the raw topic, raw bytes, crafted enriched messages)."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from pathlib import Path

import orjson

from newsflow.config import Settings
from newsflow.core.parse import from_mapping, from_seed_text
from newsflow.kafka.admin import create_topics
from newsflow.kafka.clients import producer as new_producer, started
from newsflow.kafka.reader import all_out, collect
from newsflow.local.broker import LocalKafka, free_port
from newsflow.local.worker_process import WorkerProcess
from newsflow.topics import messages
from newsflow.topics.registry import ENRICHED, RAW

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_310a264808ce774a.txt"
CONSOLE_COMMAND = ("-m", "newsflow.cli", "archive", "--serve")
OPERATOR_TOKEN = "browser-test-operator-token"


class Stack:
    """Topics under a prefix of their own on ``broker``, a worker and the console."""

    def __init__(self, broker: LocalKafka, folder: Path):
        self.folder = Path(folder)
        self.broker = broker
        unique = uuid.uuid4().hex[:8]
        self.settings = Settings(bootstrap=broker.bootstrap, topic_prefix=f"b{unique}.",
                                 app_id=f"newsflow-browser-{unique}", partitions=2,
                                 web_port=free_port(), data_dir=str(self.folder / "data"),
                                 batch_seconds=0.2)
        self.worker: WorkerProcess | None = None
        self.console: WorkerProcess | None = None
        self.seed_id = from_seed_text(SEED.read_text(encoding="utf-8")).id
        self._seeded = False

    def start(self, timeout: float = 180.0) -> "Stack":
        asyncio.run(create_topics(self.settings))
        self.worker = WorkerProcess(self.settings, self.folder / "worker.log").start()
        self.worker.wait_healthy(timeout)
        port = free_port()
        self.console_settings = self.settings.override(archive_port=port, web_port=port,
                                                       console_workers=self.worker.url,
                                                       console_token=OPERATOR_TOKEN)
        self.start_console(timeout)
        return self

    def start_console(self, timeout: float = 120.0) -> None:
        self.console = WorkerProcess(self.console_settings, self.folder / "console.log",
                                     command=CONSOLE_COMMAND).start()
        self.console.wait_healthy(timeout)

    def restart_console(self) -> None:
        """SIGTERM the console's process and start it again on the same port."""
        self.console.stop()
        self.start_console()

    def restart_worker(self, timeout: float = 180.0) -> None:
        self.worker.stop()
        self.worker = WorkerProcess(self.settings, self.folder / "worker.log").start()
        self.worker.wait_healthy(timeout)

    def restart_broker(self, down_seconds: float = 3.0) -> None:
        """SIGTERM the broker, leave it down a moment, start it again (same port, same data)."""
        self.broker.stop()
        time.sleep(down_seconds)
        self.broker.start()

    @property
    def url(self) -> str:
        return self.console.url

    def stop(self) -> None:
        for process in (self.console, self.worker):
            if process is not None:
                process.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path}\n{p.tail_log(60)}" for p in (self.worker, self.console) if p)

    # feeding it

    async def send_raw_paced(self, values: list[bytes], keys: list[bytes | None] | None = None,
                             rate: float | None = None) -> None:
        """Records to the raw topic through one producer, ``rate`` a second if given."""
        producer = await started(new_producer(self.settings), self.settings)
        try:
            for value, key in zip(values, keys or [None] * len(values)):
                await producer.send_and_wait(RAW.name(self.settings.topic_prefix), value, key=key)
                if rate:
                    await asyncio.sleep(1 / rate)
        finally:
            await producer.stop()

    def send_raw(self, values: list[bytes], keys: list[bytes | None] | None = None) -> None:
        asyncio.run(self.send_raw_paced(values, keys))

    @staticmethod
    def raw(*articles: dict) -> tuple[list[bytes], list[bytes], list[str]]:
        """Raw-topic values, keys and ids of articles ({"title", "body", ...})."""
        parsed = [from_mapping(article) for article in articles]
        return ([messages.encode(messages.raw_article(a, time.time())) for a in parsed],
                [a.id.encode() for a in parsed], [a.id for a in parsed])

    def ingest(self, *articles: dict) -> list[str]:
        """Articles published to the raw topic; their ids."""
        values, keys, ids = self.raw(*articles)
        self.send_raw(values, keys)
        return ids

    def ingest_seed(self) -> str:
        """The seed article, once (a second time the worker would skip it as a duplicate)."""
        if not self._seeded:
            article = from_seed_text(SEED.read_text(encoding="utf-8"))
            self.send_raw([messages.encode(messages.raw_article(article, time.time()))],
                          [article.id.encode()])
            self._seeded = True
        return self.seed_id

    def enriched(self, article_id: str, timeout: float = 120.0) -> dict:
        """The enriched message of ``article_id`` once the worker published it."""
        found = asyncio.run(collect(self.settings, ["enriched"], all_out({article_id}), timeout))
        for message in found["enriched"]:
            if message.get("id") == article_id:
                message.pop("_record", None)
                return message
        raise TimeoutError(f"{article_id} not enriched in {timeout:.0f}s:\n{self.logs()}")

    def send_enriched(self, message: dict) -> None:
        """A crafted enriched message straight to the enriched topic (as a compromised or
        buggy upstream could): the console must show whatever it holds as text."""
        async def send():
            producer = await started(new_producer(self.settings), self.settings)
            try:
                await producer.send_and_wait(ENRICHED.name(self.settings.topic_prefix),
                                             orjson.dumps(message), key=message["id"].encode())
            finally:
                await producer.stop()
        asyncio.run(send())

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())

    def archived(self, article_id: str, timeout: float = 90.0) -> dict:
        """The archive's answer for ``article_id`` once it has it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.get_json(f"/api/articles/{article_id}")
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"{article_id} not archived in {timeout:.0f}s:\n{self.logs()}")


def unique_article(title: str, **fields) -> dict:
    """An article of its own (its own url, so its own id) with a quote and a speaker."""
    tag = uuid.uuid4().hex[:10]
    return {"title": f"{title} {tag}", "source": "Browser Test Wire",
            "url": f"https://browser-test.example/{tag}", "published": "2025-07-14",
            "body": (f"LONDON - The minister spoke on Monday about plan {tag}. \"We are ready to "
                     f"move ahead with plan {tag},\" Keir Starmer told reporters in London."),
            **fields}
