"""Checks of the deploy/ files with the real tools (promtool, docker-compose, a Kubernetes
schema validator), all offline. A missing tool skips its tests, except under CI (the CI
variable set), where it fails them: CI installs every one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def require(tool: str, install: str) -> str:
    """The path of ``tool``; skip (fail under CI) without it."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed ({install})"
        if os.environ.get("CI"):
            pytest.fail(message + " but CI is set", pytrace=False)
        pytest.skip(message)
    return path


def run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def promtool() -> str:
    return require("promtool", "apt-get install prometheus")
