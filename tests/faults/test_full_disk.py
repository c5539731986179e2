"""The broker's disk fills up mid-stream: the broker stops (Kafka takes a log directory it
cannot write offline, and with its only one goes down); space is freed and the broker
started again; the worker and the producer recover on their own; nothing lost, nothing
doubled. Needs root (a tmpfs of the test's own stands for the small disk)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid

import pytest

from newsflow.config import Settings
from newsflow.kafka.admin import create_topics
from newsflow.local.broker import LocalKafka
from tests.faults.conftest import Workers
from tests.faults.stream import Stream, article, audit_into, progress, wait_caught_up, wait_progress

ARTICLES = 3000
DISK_MB = 300

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(disk)], check=True)
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk) -> None:
    """Write until the disk is full. Unbuffered: a buffered file's close flushes what the
    last write left in its buffer and raises ENOSPC again, outside the loop that expects it."""
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * (1 << 20))
        except OSError:
            pass


def test_a_full_disk_stops_the_broker_and_nothing_is_lost(small_disk, tmp_path, figures):
    broker = LocalKafka(small_disk / "kafka").start()
    unique = uuid.uuid4().hex[:8]
    settings = Settings(bootstrap=broker.bootstrap, topic_prefix=f"d{unique}.",
                        app_id=f"newsflow-disk-{unique}", partitions=4,
                        data_dir=str(tmp_path / "worker"), batch_size=100)
    asyncio.run(create_topics(settings))
    workers = Workers(settings, tmp_path)
    try:
        worker = workers.start("w1")
        stream = Stream(settings, [article(i, paragraphs=2) for i in range(ARTICLES)], rate=100)
        stream.start()
        while progress(settings)[0] < ARTICLES // 4:
            time.sleep(0.2)
        filled = time.monotonic()
        _fill(small_disk)
        deadline = time.monotonic() + 120
        while broker.process.poll() is None:  # it writes until it notices, then halts
            assert time.monotonic() < deadline, "the broker kept running on a full disk"
            time.sleep(0.5)
        figures["broker_down_after_seconds"] = round(time.monotonic() - filled, 2)
        figures["broker_exit"] = broker.process.returncode
        before, _ = progress(settings)
        (small_disk / "filler").unlink()
        broker.start()
        back = time.monotonic()
        figures["broker_down_seconds"] = round(back - filled, 2)
        wait_progress(settings, before, timeout=180)
        figures["recovery_seconds"] = round(time.monotonic() - back, 2)
        stream.finish(timeout=300)
        figures["producer_chunks_resent"] = stream.resent
        figures["catch_up_seconds"] = round(wait_caught_up(settings, timeout=300), 2)
        report = audit_into(settings, figures)
        assert worker.process.poll() is None, "the worker died instead of retrying"
        assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
        assert report.articles == ARTICLES and report.enriched == ARTICLES
    finally:
        workers.stop_all()
        broker.stop()
