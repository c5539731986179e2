"""`newsflow ingest` output lines: nothing a sender puts in an article makes an extra line on
stdout, and blank input lines are counted and reported instead of silently skipped."""

from __future__ import annotations

import subprocess
import sys

import orjson

from newsflow import metrics
from newsflow.config import Settings
from newsflow.ingest.publish import publish
from newsflow.local.broker import free_port


def dry_run(lines: list[bytes], tmp_path) -> subprocess.CompletedProcess:
    """No broker listens at the bootstrap address: a dry run must not need one."""
    env = {"NEWSFLOW_DATA_DIR": str(tmp_path), "NEWSFLOW_BOOTSTRAP": f"127.0.0.1:{free_port()}",
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "newsflow.cli", "ingest", "--dry-run", "-"],
                          input=b"\n".join(lines) + b"\n", env=env, capture_output=True,
                          timeout=60)


def test_dry_run_prints_one_line_per_article_whatever_the_text_holds(tmp_path):
    tricky = {"id": "wire\nforged", "title": "Line\u2028separator", "url": "https://x.example/\u2029",
              "body": "Next\u0085line, carriage\r\nreturn, and a\nnewline."}
    result = dry_run([orjson.dumps(tricky), orjson.dumps({"title": "Plain", "body": "Plain."})],
                     tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()  # splits on U+2028, U+2029, U+0085 too
    assert len(lines) == 2
    first = orjson.loads(lines[0])
    assert (first["title"], first["body"], first["source_id"]) == (
        tricky["title"], tricky["body"], "wire\nforged")


def test_blank_lines_are_counted_and_reported(tmp_path):
    article = orjson.dumps({"title": "T", "body": "B"})
    result = dry_run([article, b"", b"   ", article, b"\t"], tmp_path)
    assert result.returncode == 0
    summary = result.stderr.decode().strip().splitlines()[-1]
    assert summary.endswith("skipped 3 blank line(s) (first: <stdin>:2)"), summary


async def test_publish_counts_blank_lines_in_the_metric(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"title": "T", "body": "B"}\n\n\r\n{"title": "T2", "body": "B2"}\n')
    before = metrics.BLANK_LINES._value.get()
    seen: list[str] = []
    assert await publish(Settings(), [str(path)], dry_run=True, blank=seen.append) == (2, 0)
    assert seen == [f"{path}:2", f"{path}:3"]
    assert metrics.BLANK_LINES._value.get() - before == 2
