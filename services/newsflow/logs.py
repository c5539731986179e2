"""Logging set-up: plain text for people, JSON lines for log pipelines.

Structured fields passed with ``extra=`` (article_id, topic, partition, offset, reason)
appear as keys of the JSON line. Warnings and errors that repeat are rate-limited
(:class:`RepeatFilter`).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable

import orjson

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, exception, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


class RepeatFilter(logging.Filter):
    """At most one record per logger, level and message template every ``interval``
    seconds, for warnings and errors; the next one let through says how many were
    suppressed (in its text and as the ``suppressed`` field of a JSON line).

    A broker that is down makes aiokafka log the same error dozens of times a second, and
    bad input sent in a loop would make any per-record warning do the same: the log stays
    readable and its size bounded. What was suppressed is still counted by the metrics.
    """

    MAX_TEMPLATES = 1024  # templates remembered; messages formatted before logging are each one

    def __init__(self, interval: float = 10.0, level: int = logging.WARNING,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval, self.level, self._clock = interval, level, clock
        self._seen: dict[tuple, list] = {}  # key -> [time let through, suppressed since]
        self._lock = threading.Lock()  # handlers run filters outside their own lock

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.level:
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        with self._lock:
            entry = self._seen.get(key)
            if entry is not None and now - entry[0] < self.interval:
                entry[1] += 1
                return False
            if len(self._seen) >= self.MAX_TEMPLATES:
                self._forget(now)
            self._seen[key] = [now, 0]
        if entry is not None and entry[1]:
            record.suppressed = entry[1]
            record.msg = f"{record.msg} ({entry[1]} similar suppressed in {now - entry[0]:.0f}s)"
        return True

    def _forget(self, now: float) -> None:
        """Drop the templates outside their interval (all of them if none is)."""
        stale = [key for key, (when, _) in self._seen.items() if now - when >= self.interval]
        for key in stale or list(self._seen):
            del self._seen[key]


class CurrentStderr(logging.StreamHandler):
    """A handler writing to whatever sys.stderr is when the line is written."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler sets it; sys.stderr is always used
        pass


# The commands' own lines for the person at the terminal ("newsflow ingest: published 3
# article(s) ...", errors): bare text, or JSON lines like every other with --log-format json.
console = logging.getLogger("newsflow.console")
console.addHandler(CurrentStderr())
console.propagate = False
console.setLevel(logging.INFO)


def dict_config(level: str, log_format: str) -> dict:
    """A logging.config.dictConfig for ``level`` and ``log_format`` (text or json), with
    repeated warnings and errors rate-limited. aiokafka's INFO lines (every group join,
    every metadata change) are left out unless the level is DEBUG."""
    json_lines = log_format == "json"
    formatter = {"()": JsonFormatter} if json_lines else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter,
                       "console": {"()": JsonFormatter} if json_lines else {"format": "%(message)s"}},
        "filters": {"repeats": {"()": RepeatFilter}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "default",
                       "stream": sys.stderr, "filters": ["repeats"]},
            "console": {"()": CurrentStderr, "formatter": "console"},
        },
        "loggers": {
            console.name: {"level": "INFO", "handlers": ["console"], "propagate": False},
            "aiokafka": {"level": "DEBUG" if level.upper() == "DEBUG" else "WARNING"},
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
    }
