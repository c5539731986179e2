"""Two workers share the stream; one is killed (-9) and never comes back: the survivor
takes its partitions over once the broker gives up on it; nothing lost, nothing doubled."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.faults.stream import Stream, article, audit_into, progress, wait_caught_up, wait_progress

ARTICLES = 5000


def test_survivor_takes_over_from_a_killed_worker(settings, workers, figures):
    first = workers.start("a")
    second = workers.start("b")
    stream = Stream(settings, [article(i) for i in range(ARTICLES)], rate=500)
    stream.start()
    while progress(settings)[0] < ARTICLES // 3:
        time.sleep(0.2)
    assert all(json.loads(w.get("/readyz"))["ready"] for w in (first, second))
    killed = time.monotonic()
    first.kill()
    before, _ = progress(settings)  # after the kill: no commit of the dead one counts
    wait_progress(settings, before)
    while b"newsflow_assigned_partitions 4.0" not in second.get("/metrics"):
        time.sleep(0.2)
    figures["takeover_seconds"] = round(time.monotonic() - killed, 2)  # owns all partitions
    stream.finish()
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    figures["recovery_seconds"] = round(time.monotonic() - killed, 2)  # kill to caught up
    report = audit_into(settings, figures)
    assert second.process.poll() is None
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.articles == ARTICLES and report.enriched == ARTICLES
    cli = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "audit", "--bootstrap", settings.bootstrap,
         "--topic-prefix", settings.topic_prefix],
        capture_output=True, text=True, timeout=120,
    )
    assert cli.returncode == 0 and "duplicated     0" in cli.stdout, cli.stdout + cli.stderr
