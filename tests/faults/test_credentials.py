"""Credentials lost at run time: the worker's SCRAM password is changed on the broker and
the broker restarts, so every connection must authenticate again and is refused. Before
the fix the worker logged `SaslAuthenticationFailed` about ten times a second for as long
as it ran (1,163 lines in 120 s), said it was ready, and ignored SIGTERM for 60 s. Now it
backs off (5 s to a minute), reports not ready, takes the broker again once the password
is right, and SIGTERM ends it within the documented 20 s whatever the broker says."""

from __future__ import annotations

import asyncio
import time
import urllib.error

import pytest

from newsflow.config import Settings
from newsflow.kafka.admin import create_topics
from newsflow.local.broker import LocalKafka, free_port
from newsflow.local.worker_process import WorkerProcess
USER, PASSWORD = "dave", "s3cret-dave"
QUIET_SECONDS = 30
STOP_BOUND_SECONDS = 20


def ready(worker: WorkerProcess) -> bool:
    try:
        worker.get("/readyz", timeout=2)
        return True
    except urllib.error.HTTPError:
        return False


def wait_until(predicate, timeout: float, what: str, worker: WorkerProcess) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"not {what} after {timeout:.0f} s:\n{worker.tail_log()}")


def lines(worker: WorkerProcess) -> int:
    with open(worker.log_path, "rb") as log:
        return sum(1 for _ in log)


def refuse(broker: LocalKafka, password: str) -> None:
    """Change the password and restart the broker: open connections go, new ones are
    refused until the worker has the new password."""
    broker.set_scram_password(USER, password)
    broker.stop()
    broker.start()


def test_worker_refused_by_kafka_backs_off_reports_not_ready_and_stops(tmp_path, request, figures,
                                                                       monkeypatch):
    broker = LocalKafka(tmp_path / "kafka", sasl_users={USER: PASSWORD}).start()
    request.addfinalizer(broker.stop)
    credentials = {"NEWSFLOW_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                   "NEWSFLOW_SASL_MECHANISM": "SCRAM-SHA-256",
                   "NEWSFLOW_SASL_USERNAME": USER, "NEWSFLOW_SASL_PASSWORD": PASSWORD}
    for name, value in credentials.items():  # WorkerProcess passes its environment on
        monkeypatch.setenv(name, value)
    settings = Settings.from_env().override(
        bootstrap=broker.bootstrap, topic_prefix="cred.", app_id="newsflow-cred",
        partitions=2, data_dir=str(tmp_path / "worker"), batch_seconds=0.2, web_port=free_port())
    asyncio.run(create_topics(settings))
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    request.addfinalizer(worker.kill)
    worker.wait_healthy()
    wait_until(lambda: ready(worker), 90, "ready", worker)

    refuse(broker, "changed-by-the-operator")
    noticed = wait_until(lambda: not ready(worker), 90, "reporting not ready", worker)
    before = lines(worker)
    time.sleep(QUIET_SECONDS)
    logged = lines(worker) - before
    assert worker.process.poll() is None, worker.tail_log()
    assert not ready(worker)
    assert logged <= 20, worker.tail_log(60)

    broker.set_scram_password(USER, PASSWORD)  # the operator puts it back
    recovered = wait_until(lambda: ready(worker), 120, "ready again", worker)

    refuse(broker, "changed-again")
    wait_until(lambda: not ready(worker), 90, "reporting not ready", worker)
    started = time.monotonic()
    code = worker.stop(timeout=60)
    stopped = time.monotonic() - started
    assert code == 0, worker.tail_log()
    assert stopped < STOP_BOUND_SECONDS, worker.tail_log()
    figures.update({"not_ready_after_s": round(noticed, 1),
                    f"log_lines_in_{QUIET_SECONDS}s_refused": logged,
                    "ready_again_after_s": round(recovered, 1),
                    "sigterm_exit_s": round(stopped, 1)})
