"""The README's first command, `newsflow demo`, as a new user runs it: its own broker,
worker and archive, the seed's enrichment printed, one search of the archive, exit 0; and
on a cluster given by NEWSFLOW_BOOTSTRAP, under topics and a group of its own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def demo(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    return subprocess.run([sys.executable, "-m", "newsflow.cli", "demo"], env={**clean, **env},
                          capture_output=True, text=True, timeout=400)


def test_demo_shows_the_seed_enriched_and_a_search_of_the_archive(tmp_path):
    shown = demo(NEWSFLOW_DATA_DIR=str(tmp_path))
    assert shown.returncode == 0, shown.stdout[-2000:] + shown.stderr[-3000:]
    assert "Traceback" not in shown.stderr
    assert "Dmitry Peskov" in shown.stdout and "Kremlin spokesman" in shown.stdout
    assert "newsflow search quotes --speaker" in shown.stdout  # the archive's search shown
    assert "broker stopped" in shown.stdout and "archive stopped (exit 0)" in shown.stdout


def test_demo_on_a_given_cluster_keeps_to_topics_and_a_group_of_its_own(kafka, tmp_path):
    shown = demo(NEWSFLOW_BOOTSTRAP=kafka.bootstrap, NEWSFLOW_DATA_DIR=str(tmp_path))
    assert shown.returncode == 0, shown.stdout[-2000:] + shown.stderr[-3000:]
    assert "on the given cluster, topics newsflow.demo-" in shown.stdout
    assert "starting a local Apache Kafka" not in shown.stdout
