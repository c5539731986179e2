"""Running a `newsflow worker` as a child process (for the demo, the tests and benchmarks)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from newsflow.config import Settings, settable
from newsflow.local.processes import tail, terminate

# Every setting goes to the child, so that it runs with exactly the parent's Settings.
SETTING_ENV = {field.name: f"NEWSFLOW_{field.name.upper()}" for field in settable(Settings)}
WORKER_COMMAND = ("-m", "newsflow.cli", "worker")
# `newsflow archive` runs the same way; its /healthz is on the port given as web_port too
ARCHIVE_COMMAND = ("-m", "newsflow.cli", "archive")


class WorkerProcess:
    """`newsflow worker` (or ``command``: python arguments) in a child process with its
    log in ``log_path``."""

    def __init__(self, settings: Settings, log_path: Path, command: tuple[str, ...] = WORKER_COMMAND):
        self.settings = settings
        self.log_path = Path(log_path)
        self.command = tuple(command)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.settings.bind}:{self.settings.web_port}"

    def start(self) -> "WorkerProcess":
        env = {**os.environ}
        env.update({var: str(getattr(self.settings, name)) for name, var in SETTING_ENV.items()})
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, *self.command],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )
        return self

    def get(self, path: str, timeout: float = 5.0) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return response.read()

    def wait_healthy(self, timeout: float = 120.0) -> None:
        """Until /healthz answers: the model is loaded and the app has started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.tail_log()}")
            try:
                self.get("/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"worker not healthy after {timeout:.0f}s:\n{self.tail_log()}")

    def tail_log(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)

    def kill(self) -> int | None:
        """SIGKILL: no clean-up at all, as in a crash; the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.kill()
        return self.process.wait()

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM (faust's clean shutdown), SIGKILL after ``timeout``; the exit status."""
        if self.process is None:
            return None
        return terminate(self.process, timeout)
