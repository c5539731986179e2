"""Progress lines of the commands that run the local stack for a while (demo, bench)."""

from __future__ import annotations


def say(text: str) -> None:
    print(f"--> {text}", flush=True)
