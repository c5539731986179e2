"""A real Prometheus server scrapes a real worker: the throughput and lag series arrive
with the values of what was pushed through, and the recording rules of deploy/prometheus
evaluate on them.

The prometheus binary comes from Debian's `prometheus` package; without it the test is
skipped, except under CI (the CI variable set), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newsflow.ingest.publish import publish
from newsflow.local.broker import free_port
from newsflow.topics.registry import RAW
from tests.conftest import REPO, SEED

pytestmark = pytest.mark.integration

RULES = REPO / "deploy" / "prometheus" / "rules"
ARTICLES = [
    {"title": f"Harbour council {n} votes on the new ferry line",
     "published": f"2025-07-1{n}",
     "body": f"The harbour council met on Tuesday for session {n}. \"We will open the line "
             f"next spring,\" said Maria Jensen, the council's chair. Opponents in Aarhus "
             f"said the cost was too high."}
    for n in range(3)
]
PUSHED = len(ARTICLES) + 1  # the JSON articles and the seed


@pytest.fixture(scope="session")
def prometheus_binary() -> str:
    """Session-scoped, so that a missing binary skips before the broker and worker start."""
    binary = shutil.which("prometheus")
    if binary is None:
        message = "the prometheus binary is not installed (apt-get install prometheus)"
        if os.environ.get("CI"):
            pytest.fail(message + " but CI is set", pytrace=False)
        pytest.skip(message)
    return binary


class Prometheus:
    """A Prometheus server in a temp dir, scraping ``target`` every second."""

    def __init__(self, binary: str, folder: Path, target: str):
        self.port = free_port()
        self.folder = folder
        self.log_path = folder / "prometheus.log"
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(path) for path in sorted(RULES.glob("*.yml"))],
            "scrape_configs": [{
                "job_name": "newsflow-worker", "metrics_path": "/metrics",
                "static_configs": [{"targets": [target]}],
            }],
        }
        # JSON is YAML: no YAML writer needed.
        (folder / "prometheus.yml").write_text(json.dumps(config, indent=2))
        self.command = [
            binary, f"--config.file={folder / 'prometheus.yml'}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--storage.tsdb.retention.time=1h", "--log.level=warn",
        ]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> "Prometheus":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prometheus exited with {self.process.returncode}:\n"
                                   + self.log_path.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"prometheus not ready after {timeout:.0f}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def query(self, expr: str) -> list[dict]:
        query = urllib.parse.urlencode({"query": expr})
        url = f"http://127.0.0.1:{self.port}/api/v1/query?{query}"
        with urllib.request.urlopen(url, timeout=5) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return body["data"]["result"]

    def values(self, expr: str) -> dict[str, float]:
        """{"label=value,...": value} for an instant query."""
        return {
            ",".join(f"{k}={v}" for k, v in sorted(item["metric"].items())
                     if k not in ("__name__", "job", "instance")): float(item["value"][1])
            for item in self.query(expr)
        }

    def wait_for(self, expr: str, predicate, timeout: float = 40.0) -> dict[str, float]:
        deadline = time.monotonic() + timeout
        found: dict[str, float] = {}
        while time.monotonic() < deadline:
            found = self.values(expr)
            if predicate(found):
                return found
            time.sleep(0.5)
        raise AssertionError(f"{expr}: still {found} after {timeout:.0f}s\n"
                             + self.log_path.read_text(errors="replace")[-2000:])


@pytest.fixture
def prometheus(prometheus_binary, worker, tmp_path):
    server = Prometheus(prometheus_binary, tmp_path, f"127.0.0.1:{worker.settings.web_port}")
    server.start()
    yield server
    server.stop()


def scraped_directly(worker, name: str) -> dict[str, float]:
    """The worker's own /metrics for one metric family (to compare with Prometheus)."""
    values = {}
    for line in worker.get("/metrics").decode().splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            series, value = line.rsplit(" ", 1)
            values[series] = float(value)
    return values


async def test_prometheus_scrapes_throughput_and_lag(prometheus_binary, settings, worker,
                                                     prometheus, tmp_path, capsys):
    paths = []
    for n, article in enumerate(ARTICLES):
        path = tmp_path / f"article-{n}.json"
        path.write_text(json.dumps(article))
        paths.append(str(path))
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED.read_text(encoding="utf-8"))
    paths.append(str(seed))

    up = prometheus.wait_for('up{job="newsflow-worker"}', lambda v: v.get("") == 1)
    ids: list[str] = []
    published, rejected = await publish(settings, paths, acknowledged=ids.extend)
    assert published == len(ids) == PUSHED and rejected == 0

    results = {"pushed": PUSHED, "up": up}
    results["newsflow_articles_consumed_total"] = prometheus.wait_for(
        "newsflow_articles_consumed_total", lambda v: v.get("") == PUSHED)
    results["newsflow_messages_produced_total"] = prometheus.wait_for(
        "newsflow_messages_produced_total", lambda v: v.get("topic=enriched") == PUSHED)
    results["newsflow_articles_enriched_total"] = prometheus.wait_for(
        "newsflow_articles_enriched_total", lambda v: v.get("") == PUSHED)
    # Lag: reported every 5s per assigned partition; back to 0 once the offsets are committed.
    results["newsflow_consumer_lag_messages"] = prometheus.wait_for(
        "newsflow_consumer_lag_messages",
        lambda v: len(v) == settings.partitions and set(v.values()) == {0.0})
    results["newsflow:consumer_lag_messages:sum"] = prometheus.wait_for(
        "newsflow:consumer_lag_messages:sum", lambda v: list(v.values()) == [0.0])
    # A recording rule on the same data (an unlabelled counter, exported as 0 from the
    # start: the labelled ones only appear at their first increment, which rate() misses).
    results["newsflow:articles_consumed:rate1m"] = prometheus.wait_for(
        "newsflow:articles_consumed:rate1m", lambda v: v.get("", 0) > 0)
    # For the record only: the 5 s lag report may or may not have caught the backlog.
    results["max_over_time(newsflow_consumer_lag_messages[5m])"] = prometheus.values(
        "max_over_time(newsflow_consumer_lag_messages[5m])")
    results["newsflow_quotes_emitted_total"] = prometheus.values("newsflow_quotes_emitted_total")
    results["newsflow_entities_emitted_total"] = prometheus.values(
        "newsflow_entities_emitted_total")
    results["newsflow_end_to_end_latency_seconds_count"] = prometheus.values(
        "newsflow_end_to_end_latency_seconds_count")

    produced = results["newsflow_messages_produced_total"]
    assert produced["topic=enriched"] == PUSHED
    assert produced["topic=deadletter"] == 0  # every article was good (the series starts at 0)
    assert produced["topic=seen"] == PUSHED  # one dedupe marker per article, once committed
    # Each quote and entity message is counted both per topic and on its own counter.
    assert produced["topic=quotes"] == results["newsflow_quotes_emitted_total"][""] > 0
    assert produced["topic=entities"] == results["newsflow_entities_emitted_total"][""] > 0
    assert results["newsflow_end_to_end_latency_seconds_count"][""] == PUSHED
    lag_topics = {key.split(",")[1] for key in results["newsflow_consumer_lag_messages"]}
    assert lag_topics == {f"topic={RAW.name(settings.topic_prefix)}"}
    # What Prometheus holds is what the worker exports.
    direct = scraped_directly(worker, "newsflow_messages_produced_total")
    assert sorted(direct.values()) == sorted(produced.values())

    report = json.dumps(results, indent=2, sort_keys=True)
    (tmp_path / "prometheus-queries.json").write_text(report)
    print(report)
    with capsys.disabled():
        print(f"\nPrometheus query results ({tmp_path / 'prometheus-queries.json'}):\n{report}")
