"""The integration suite starts one real Kafka broker for the session (free ports, temp
dir) and a real worker process per test module; logs are kept when a test fails."""

from __future__ import annotations

import uuid

import pytest

from newsflow.config import Settings
from newsflow.kafka.admin import create_topics
from newsflow.local.broker import free_port
from newsflow.local.worker_process import WorkerProcess
from tests.conftest import running_broker, session_failed

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def kafka(request, tmp_path_factory):
    yield from running_broker(tmp_path_factory.mktemp("kafka"), request)


@pytest.fixture(scope="module")
async def settings(kafka, tmp_path_factory) -> Settings:
    """Settings for one test module: its own topic prefix and consumer group."""
    unique = uuid.uuid4().hex[:8]
    settings = Settings(
        bootstrap=kafka.bootstrap,
        topic_prefix=f"t{unique}.",
        app_id=f"newsflow-test-{unique}",
        partitions=2,
        web_port=free_port(),
        data_dir=str(tmp_path_factory.mktemp("worker")),
        batch_seconds=0.2,
        max_bytes=64 * 1024,
    )
    await create_topics(settings)
    return settings


@pytest.fixture(scope="module")
def worker(settings, request):
    process = WorkerProcess(settings, f"{settings.data_dir}/worker.log").start()
    process.wait_healthy()
    yield process
    process.stop()
    if session_failed(request):
        print(f"\nworker log kept in {process.log_path}")
