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


def test_demo_keep_serves_the_console_until_interrupted(tmp_path):
    """`newsflow demo --keep`: the console's URL printed, the seed on it, then Ctrl-C ends it
    with everything stopped and exit 0."""
    import json
    import re
    import signal
    import time
    import urllib.request

    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    demo_process = subprocess.Popen([sys.executable, "-m", "newsflow.cli", "demo", "--keep"],
                                    env={**clean, "NEWSFLOW_DATA_DIR": str(tmp_path)},
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines, url = [], None
        deadline = time.monotonic() + 400
        while url is None and time.monotonic() < deadline:
            line = demo_process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C to stop" in line:
                url = re.search(r"web console: (http://127\.0\.0\.1:\d+)/", line).group(1)
        assert url, "".join(lines)[-3000:]
        with urllib.request.urlopen(f"{url}/api/console/recent", timeout=10) as answer:
            recent = json.load(answer)
        assert any("Dmitry Peskov" in [s["name"] for s in card["speakers"]] for card in recent["articles"])
        with urllib.request.urlopen(f"{url}/", timeout=10) as page:
            assert page.status == 200 and "text/html" in page.headers["Content-Type"]
        demo_process.send_signal(signal.SIGINT)
        rest, _ = demo_process.communicate(timeout=120)
        assert demo_process.returncode == 0, rest[-3000:]
        assert "broker stopped" in rest and "archive stopped" in rest
    finally:
        if demo_process.poll() is None:
            demo_process.kill()
            demo_process.wait()
