"""`newsflow serve-ingest` as a child process, for the tests that watch it from outside: its
memory, its log, its answers while the broker is away."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from newsflow.local.broker import free_port
from newsflow.local.processes import terminate


class ServeIngest:
    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
        self._env = {**clean, **env}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "ServeIngest":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newsflow.cli", "serve-ingest", "--port", str(self.port)],
                env=self._env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve-ingest exited:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"serve-ingest not ready:\n{self.log_path.read_text()}")

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines()

    def peak_rss_mib(self) -> float:
        """VmHWM: the most memory the process has held so far."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process, timeout=15)
