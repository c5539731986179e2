"""Workers split by role: one enriches only, another keeps the trending tables only
(no spaCy model loaded); the seed goes through both."""

from __future__ import annotations

import asyncio
import json
import urllib.error

import pytest

from newsflow.ingest.publish import publish
from newsflow.local.broker import free_port
from newsflow.local.worker_process import WorkerProcess
from tests.conftest import SEED, session_failed

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def split_workers(settings, request):
    started = []
    for roles in ("enrich", "trending"):
        process = WorkerProcess(settings.override(roles=roles, web_port=free_port(), worker_id=roles,
                                                  data_dir=f"{settings.data_dir}/{roles}"),
                                f"{settings.data_dir}/{roles}.log").start()
        started.append(process)
        process.wait_healthy()
    yield dict(zip(("enrich", "trending"), started))
    for process in started:
        process.stop()
        if session_failed(request):
            print(f"\nworker log kept in {process.log_path}")


async def test_enrich_and_trending_workers_share_the_work(settings, split_workers):
    enrich, trending = split_workers["enrich"], split_workers["trending"]
    assert json.loads(trending.get("/healthz")) == {"status": "ok"}
    with pytest.raises(urllib.error.HTTPError) as refused:
        enrich.get("/trending?window=24h")
    assert refused.value.code == 404  # no tables in an enrich-only worker
    await publish(settings, [str(SEED)])
    names: set[str] = set()
    for _ in range(120):
        names = {row["name"] for row in json.loads(trending.get("/trending?window=24h"))["entities"]}
        if "Dmitry Peskov" in names:
            break
        await asyncio.sleep(0.5)
    assert {"Dmitry Peskov", "Rubio", "RT"} <= names
    ready = json.loads(trending.get("/readyz"))
    assert ready["ready"] and ready["roles"] == ["trending"] and not ready["model_loaded"]
    assert json.loads(enrich.get("/readyz"))["assigned_partitions"] == [0, 1]
