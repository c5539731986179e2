"""Every command honest, tried as a new user would: a mistake or an unreachable service
ends in one line saying what is wrong and a documented exit status (README, "Exit
status"), never a traceback; reading never creates a topic; a reader that stops
reading (`| head`) ends the command quietly."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys

import orjson
import pytest

from newsflow.kafka.clients import admin, producer, started
from newsflow.topics.registry import RAW, SEEN
from tests.conftest import SEED

pytestmark = pytest.mark.integration

USAGE, UNAVAILABLE = 2, 3
UNREACHABLE = "127.0.0.1:1"


def newsflow(settings, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env = {**clean, "NEWSFLOW_BOOTSTRAP": settings.bootstrap,
           "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix,
           "NEWSFLOW_PARTITIONS": str(settings.partitions), **env}
    return subprocess.run([sys.executable, "-m", "newsflow.cli", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def one_line(result: subprocess.CompletedProcess, status: int, says: str) -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr


async def topics(settings) -> list[str]:
    client = await started(admin(settings), settings)
    try:
        return await client.list_topics()
    finally:
        await client.close()


def test_tail_of_an_unknown_topic_is_an_error_and_creates_nothing(settings):
    result = newsflow(settings, "tail", "nosuch", "--timeout", "3")
    one_line(result, USAGE, "no topic 'nosuch' on the cluster; it has ")
    assert f"{settings.topic_prefix}articles.raw" in result.stderr
    known = asyncio.run(topics(settings))
    assert "nosuch" not in known and f"{settings.topic_prefix}nosuch" not in known


def test_a_reader_that_stops_reading_ends_it_quietly(settings, tmp_path):
    assert newsflow(settings, "ingest", str(SEED)).returncode == 0
    lines = tmp_path / "many.jsonl"
    lines.write_text("".join(json.dumps({"title": f"t{i}", "body": "word " * 200}) + "\n"
                             for i in range(3000)))
    for command in (f"tail raw --json --from-beginning --timeout 10",
                    f"ingest --dry-run {lines}"):
        shell = subprocess.run(
            f"{sys.executable} -m newsflow.cli {command} | head -1; exit ${{PIPESTATUS[0]}}",
            shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=120,
            env={**os.environ, "NEWSFLOW_BOOTSTRAP": settings.bootstrap,
                 "NEWSFLOW_TOPIC_PREFIX": settings.topic_prefix})
        assert shell.returncode == 0, shell.stderr
        assert "Traceback" not in shell.stderr and "BrokenPipe" not in shell.stderr, shell.stderr
        assert len(shell.stdout.splitlines()) == 1


@pytest.mark.parametrize("args", [("audit",), ("topics", "list"), ("tail", "raw", "--timeout", "3"),
                                  ("ingest", str(SEED))])
def test_an_unreachable_broker_is_one_line(settings, args):
    result = newsflow(settings, *args, NEWSFLOW_BOOTSTRAP=UNREACHABLE)
    one_line(result, UNAVAILABLE, f"newsflow {args[0]}: cannot connect to Kafka at {UNREACHABLE}")


def test_a_worker_whose_port_is_taken_says_so_before_joining(settings):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = newsflow(settings, "worker", "--web-port", str(port), timeout=30)
    one_line(result, UNAVAILABLE, f"cannot listen on 127.0.0.1:{port}")


@pytest.mark.parametrize("interval", ["5", "0s", "soon"])
def test_a_bad_feed_interval_is_a_usage_error(settings, interval):
    result = newsflow(settings, "ingest", "--feed", "http://example.com/rss", "--interval", interval,
                      "--once")
    one_line(result, USAGE, "newsflow ingest: --interval: not a duration")


def test_a_path_that_does_not_exist_is_a_usage_error_not_a_dead_letter(settings):
    result = newsflow(settings, "ingest", "/nonexistent/article.json")
    one_line(result, USAGE, "no such file or folder: /nonexistent/article.json")
    dead = newsflow(settings, "tail", "deadletter", "--json", "--from-beginning", "--timeout", "3")
    assert dead.returncode == 0
    assert "/nonexistent" not in dead.stdout


def test_topics_list_shows_the_cluster_against_the_registry(settings):
    listed = newsflow(settings, "topics", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    states = {state["role"]: state for state in json.loads(listed.stdout)}
    assert states["raw"]["found"]["partitions"] == settings.partitions
    assert states["raw"]["found"]["config"]["max.message.bytes"] == str(16 * 1024 * 1024)
    assert all(not state["problems"] for state in states.values())
    more = newsflow(settings, "topics", "create", "--partitions", "6")
    assert more.returncode == 0
    warned = [line for line in more.stderr.splitlines() if "warning" in line]
    assert warned and all(f"partitions {settings.partitions}, the registry expects 6" in line
                          for line in warned if "articles.raw" in line)


def test_audit_answers_in_json(settings):
    result = newsflow(settings, "audit", "--json")
    report = json.loads(result.stdout)
    assert {"missing", "duplicated", "raw_messages", "ok"} <= set(report)
    assert result.returncode == (0 if report["ok"] else 1)


def test_version_and_json_logs(settings, tmp_path):
    shown = newsflow(settings, "--version")
    assert shown.returncode == 0 and shown.stdout.startswith("newsflow 0.")
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "no body"}')
    result = newsflow(settings, "ingest", str(SEED), str(bad), "--log-format", "json")
    assert result.returncode == 1  # one input rejected
    lines = result.stderr.strip().splitlines()
    assert lines and all(isinstance(orjson.loads(line), dict) for line in lines), result.stderr
    assert any("missing_body" in orjson.loads(line)["message"] for line in lines)


def test_tail_seen_is_readable(settings):
    marker = {"schema": SEEN.schema_id, "article_id": "0123456789abcdef",
              "source": {"topic": RAW.name(settings.topic_prefix), "partition": 1, "offset": 7}}

    async def mark() -> None:
        sender = await started(producer(settings), settings)
        try:
            await sender.send_and_wait(SEEN.name(settings.topic_prefix), orjson.dumps(marker),
                                       key=b"0123456789abcdef", partition=1)
        finally:
            await sender.stop()

    asyncio.run(mark())
    result = newsflow(settings, "tail", "seen", "--from-beginning", "--max-messages", "1",
                      "--timeout", "10")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"seen {RAW.name(settings.topic_prefix)}[1]@7: "
                                     "0123456789abcdef")
