"""Where the machine's CPU went during a measurement: our processes (workers, broker,
this one) and everything else. On a shared machine the "others" figure says how far to
trust the rates."""

from __future__ import annotations

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / TICKS


def _process_seconds(pid: int) -> float:
    """User+system CPU seconds of a process and its reaped children; 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICKS


class CpuClock:
    """Started with the pids to watch by name; ``cores()`` is the average number of cores
    each used since, plus ``machine`` (all busy cores) and ``others`` (the rest)."""

    def __init__(self, pids: dict[str, list[int]]):
        self.pids = pids
        self.started = time.monotonic()
        self.busy = _busy_seconds()
        self.spent = {name: sum(map(_process_seconds, group)) for name, group in pids.items()}

    def cores(self) -> dict[str, float]:
        wall = time.monotonic() - self.started
        used = {name: (sum(map(_process_seconds, group)) - self.spent[name]) / wall
                for name, group in self.pids.items()}
        machine = (_busy_seconds() - self.busy) / wall
        return {**used, "machine": machine, "others": max(0.0, machine - sum(used.values()))}
