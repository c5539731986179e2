"""`newsflow trending`: the worker's /trending answer as a table in the terminal."""

from __future__ import annotations

import datetime as dt
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from newsflow.config import Settings


def _time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%m-%d %H:%M")


def table(answer: dict) -> str:
    """The rows of a /trending answer, aligned for a terminal."""
    lines = [f"trending, {answer['kind']} window {answer['window']}: "
             f"{answer['start']} .. {answer['end']}" + (f", {answer['label']}" if answer["label"] else "")]
    lines.append(f"{'#':>3} {'entity':32} {'label':8} {'articles':>8} {'quotes':>6}  "
                 f"{'first':11} {'last':11} with")
    for rank, row in enumerate(answer["entities"], start=1):
        with_ = ", ".join(c["name"] for c in row["co_occurring"][:3])
        lines.append(f"{rank:>3} {row['name'][:32]:32} {row['label']:8} {row['articles']:>8} "
                     f"{row['quotes']:>6}  {_time(row['first_seen']):11} "
                     f"{_time(row['last_seen']):11} {with_}")
    if not answer["entities"]:
        lines.append("    (nothing in this window yet)")
    return "\n".join(lines)


def run(settings: Settings, url: str | None, window: str, label: str | None, limit: int,
        as_json: bool) -> int:
    base = url or f"http://{settings.bind}:{settings.web_port}"
    params = {"window": window, "limit": limit, **({"label": label} if label else {})}
    try:
        with urllib.request.urlopen(f"{base}/trending?{urllib.parse.urlencode(params)}",
                                    timeout=10) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        print(f"newsflow trending: {json.load(exc).get('error', exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"newsflow trending: no worker answers at {base} ({exc})", file=sys.stderr)
        return 1
    print(json.dumps(answer) if as_json else table(answer))
    return 0
