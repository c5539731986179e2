"""Fault tests: a real broker per test, real `newsflow worker` processes, faults
injected, then `newsflow audit` must find nothing missing and nothing doubled. Each test records its figures
(printed, and written to <pytest tmp>/fault-figures/<test>.json)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from newsflow.config import Settings
from newsflow.kafka.admin import create_topics
from newsflow.local.broker import free_port
from newsflow.local.worker_process import WorkerProcess
from tests.conftest import running_broker, session_failed


@pytest.fixture
def kafka(request, tmp_path):
    """A broker of the test's own: some tests stop and restart it."""
    yield from running_broker(tmp_path / "kafka", request)


@pytest.fixture
async def settings(kafka, tmp_path) -> Settings:
    unique = uuid.uuid4().hex[:8]
    settings = Settings(
        bootstrap=kafka.bootstrap,
        topic_prefix=f"f{unique}.",
        app_id=f"newsflow-faults-{unique}",
        partitions=4,
        data_dir=str(tmp_path / "worker"),
        batch_size=100,
        batch_seconds=0.2,
        transaction_timeout_ms=10000,
        log_level="INFO",
    )
    await create_topics(settings)
    return settings


class Workers:
    """Worker processes of one test, each with its own id, port and log."""

    def __init__(self, settings: Settings, folder: Path):
        self.settings = settings
        self.folder = folder
        self.started: list[WorkerProcess] = []

    def start(self, worker_id: str) -> WorkerProcess:
        return self.start_many([worker_id])[0]

    def start_many(self, worker_ids: list[str]) -> list[WorkerProcess]:
        """Started together (their models load side by side), returned once all are healthy."""
        pool = []
        for worker_id in worker_ids:
            settings = self.settings.override(worker_id=worker_id, web_port=free_port())
            pool.append(WorkerProcess(settings, self.folder / f"worker-{worker_id}.log").start())
        self.started += pool
        for process in pool:
            process.wait_healthy()
        return pool

    def stop_all(self) -> list[int | None]:
        return [process.stop() for process in self.started]


@pytest.fixture
def workers(settings, tmp_path, request):
    pool = Workers(settings, tmp_path)
    yield pool
    pool.stop_all()
    if session_failed(request):
        for process in pool.started:
            print(f"\nworker log kept in {process.log_path}")


@pytest.fixture
def figures(request, tmp_path_factory):
    """A dict the test fills; printed and written as JSON when the test ends."""
    found: dict = {"test": request.node.name}
    yield found
    folder = tmp_path_factory.getbasetemp() / "fault-figures"
    folder.mkdir(exist_ok=True)
    path = folder / f"{request.node.name}.json"
    path.write_text(json.dumps(found, indent=2))
    print(f"\nfigures {json.dumps(found)}\n(written to {path})")

