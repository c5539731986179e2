"""`newsflow enrich` as a user runs it: good files enriched, bad files named on stderr,
non-zero exit, and the good ones still come out."""

from __future__ import annotations

import subprocess
import sys

import orjson

from tests.conftest import SEED


def enrich(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "enrich", *args],
        input=stdin, capture_output=True, timeout=120,
    )


def test_bad_files_are_reported_and_good_ones_enriched(tmp_path):
    (tmp_path / "nodate.txt").write_text("\nTitle\nNo date here, just text.\n")
    (tmp_path / "broken.json").write_text('{"title": "x", ')
    (tmp_path / "latin1.txt").write_bytes("\nT\nJul 1, 2025\ncaf\xe9".encode("latin-1"))
    result = enrich(str(SEED), str(tmp_path / "nodate.txt"), str(tmp_path / "broken.json"),
                    str(tmp_path / "latin1.txt"))
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert "nodate.txt: no_date_line" in stderr
    assert "broken.json: malformed_json" in stderr
    assert "latin1.txt: not_utf8" in stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    article = orjson.loads(lines[0])
    assert article["published"] == "2025-07-14" and article["quotes"]


def test_jsonl_on_stdin_in_the_scorer_contract():
    stdin = b'{"id": "a", "title": "", "body": "\\"We will win,\\" Smith said."}\n{"id": "b"}\n'
    result = enrich(stdin=stdin)
    assert result.returncode == 1
    assert b"<stdin>:2: missing_body" in result.stderr
    (line,) = result.stdout.splitlines()
    article = orjson.loads(line)
    assert article["id"] == "a"
    for quote in article["quotes"]:
        assert article["body"][quote["start"]:quote["end"]] == quote["text"]


def test_the_time_of_day_is_kept_beside_the_date():
    stdin = b'{"title": "T", "body": "Smith spoke.", "published": "2025-07-18T23:30:00-07:00"}\n'
    result = enrich(stdin=stdin)
    assert result.returncode == 0, result.stderr
    article = orjson.loads(result.stdout)
    assert article["published"] == "2025-07-18"
    assert article["published_at"] == "2025-07-18T23:30:00-07:00"
