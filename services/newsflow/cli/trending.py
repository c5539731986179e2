"""`newsflow trending`: the worker's /trending answer as a table in the terminal (or its
JSON with --json)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request

from newsflow.config import Settings
from newsflow.errors import Unavailable, UsageError

HELP = "the entities trending now, from a running worker"


def add_arguments(parser) -> None:
    parser.add_argument("--window", default="1h", help="a configured window (default 1h)")
    parser.add_argument("--label", help="only this entity label, e.g. PERSON")
    parser.add_argument("--limit", type=int, default=20, help="rows (default 20)")
    parser.add_argument("--url", help="worker URL (default http://NEWSFLOW_BIND:NEWSFLOW_WEB_PORT)")
    parser.add_argument("--json", action="store_true", help="print the JSON answer")


def _time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%m-%d %H:%M")


def table(answer: dict) -> str:
    """The rows of a /trending answer, aligned for a terminal."""
    lines = [f"trending, {answer['kind']} window {answer['window']}: "
             f"{answer['start']} .. {answer['end']}" + (f", {answer['label']}" if answer["label"] else "")
             + "; ranked by stories (copies of one story count once), copies: every article"]
    lines.append(f"{'#':>3} {'entity':32} {'label':8} {'stories':>7} {'copies':>6} {'quotes':>6}  "
                 f"{'first':11} {'last':11} with")
    for rank, row in enumerate(answer["entities"], start=1):
        with_ = ", ".join(c["name"] for c in row["co_occurring"][:3])
        lines.append(f"{rank:>3} {row['name'][:32]:32} {row['label']:8} "
                     f"{row.get('stories', row['articles']):>7} {row['articles']:>6} "
                     f"{row['quotes']:>6}  {_time(row['first_seen']):11} "
                     f"{_time(row['last_seen']):11} {with_}")
    if not answer["entities"]:
        lines.append("    (nothing in this window yet)")
    return "\n".join(lines)


def run(settings: Settings, args) -> int:
    base = args.url or f"http://{settings.bind}:{settings.web_port}"
    params = {"window": args.window, "limit": args.limit, **({"label": args.label} if args.label else {})}
    try:
        with urllib.request.urlopen(f"{base}/trending?{urllib.parse.urlencode(params)}",
                                    timeout=10) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        raise UsageError(json.load(exc).get("error", str(exc))) from None
    except OSError as exc:
        raise Unavailable(f"no worker answers at {base} ({exc})") from None
    print(json.dumps(answer) if args.json else table(answer))
    return 0
