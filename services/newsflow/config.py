"""Typed settings, read from NEWSFLOW_* environment variables and overridden by CLI flags.

The README's configuration table lists the same names and defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from newsflow.core.nlp import DEFAULT_MODEL
from newsflow.core.parse import DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap: str = "localhost:9092"  # NEWSFLOW_BOOTSTRAP
    topic_prefix: str = "newsflow."  # NEWSFLOW_TOPIC_PREFIX
    partitions: int = 4  # NEWSFLOW_PARTITIONS (raw topic; downstream topics follow it)
    replication: int = 1  # NEWSFLOW_REPLICATION
    model: str = DEFAULT_MODEL  # NEWSFLOW_MODEL
    max_bytes: int = DEFAULT_MAX_BYTES  # NEWSFLOW_MAX_BYTES
    bind: str = "127.0.0.1"  # NEWSFLOW_BIND (address of the HTTP server)
    web_port: int = 6066  # NEWSFLOW_WEB_PORT (HTTP server: /metrics, /healthz)
    app_id: str = "newsflow-enricher"  # NEWSFLOW_APP_ID (consumer group)
    batch_size: int = 16  # NEWSFLOW_BATCH_SIZE
    batch_seconds: float = 0.5  # NEWSFLOW_BATCH_SECONDS
    log_level: str = "INFO"  # NEWSFLOW_LOG_LEVEL
    data_dir: str = ".newsflow"  # NEWSFLOW_DATA_DIR (worker state, local broker)
    log_format: str = "text"  # NEWSFLOW_LOG_FORMAT: text or json (JSON lines)
    trending_windows: str = "1h,24h:1h"  # NEWSFLOW_TRENDING_WINDOWS (size[:step], ...)
    trending_retention: str = "7d"  # NEWSFLOW_TRENDING_RETENTION (event time kept)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            raw = environ.get(f"NEWSFLOW_{field.name.upper()}")
            if raw is not None and raw != "":
                values[field.name] = _convert(field.name, field.type, raw)
        return cls(**values)

    def override(self, **flags: object) -> "Settings":
        """A copy with the flags that were given (None means "not given")."""
        return replace(self, **{k: v for k, v in flags.items() if v is not None})


def _convert(name: str, kind: str, raw: str) -> object:
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise SystemExit(f"NEWSFLOW_{name.upper()}={raw!r} is not a valid {kind}") from None
    return raw
