"""Child processes the project starts (the local broker, workers): stopping them and
reading the end of their logs, one way for all of them."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def terminate(process: subprocess.Popen, timeout: float = 30.0) -> int:
    """SIGTERM for a clean shutdown, SIGKILL if it takes longer than ``timeout``; the
    exit status (also for a process that had already ended)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def tail(log_path: Path, lines: int = 40) -> str:
    """The last ``lines`` of a log, for error messages."""
    if not log_path.exists():
        return "(no log)"
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def with_descendants(pid: int) -> list[int]:
    """The process and all its live descendants (a worker's enrichment process): what
    its memory and CPU are the sum of."""
    found = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [p for child in children.read().split() for p in with_descendants(int(child))]
        except OSError:  # the task has just ended
            pass
    return found
