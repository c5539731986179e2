"""Typed settings: a TOML file (NEWSFLOW_CONFIG), NEWSFLOW_* environment variables over
it, CLI flags over those.

The README's configuration table lists the same names and defaults; docs/security.md the
connection settings. Secrets never appear in the repr, since settings get logged.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace

from newsflow.core.model import DEFAULT_MODEL
from newsflow.core.parse import DEFAULT_MAX_BYTES
from newsflow.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap: str = "localhost:9092"  # NEWSFLOW_BOOTSTRAP
    topic_prefix: str = "newsflow."  # NEWSFLOW_TOPIC_PREFIX
    partitions: int = 4  # NEWSFLOW_PARTITIONS (raw topic; downstream topics follow it)
    replication: str = "auto"  # NEWSFLOW_REPLICATION: copies of each created partition (auto: min(3, brokers))
    min_insync_replicas: str = "auto"  # NEWSFLOW_MIN_INSYNC_REPLICAS (auto: replication - 1, 1 to 2)
    model: str = DEFAULT_MODEL  # NEWSFLOW_MODEL
    max_bytes: int = DEFAULT_MAX_BYTES  # NEWSFLOW_MAX_BYTES
    bind: str = "127.0.0.1"  # NEWSFLOW_BIND (address of the HTTP server)
    web_port: int = 6066  # NEWSFLOW_WEB_PORT (HTTP server: /metrics, /healthz)
    web_host: str = ""  # NEWSFLOW_WEB_HOST: how other workers reach this one (default: bind)
    app_id: str = "newsflow-enricher"  # NEWSFLOW_APP_ID (consumer group)
    batch_size: int = 16  # NEWSFLOW_BATCH_SIZE
    batch_seconds: float = 0.2  # NEWSFLOW_BATCH_SECONDS
    log_level: str = "INFO"  # NEWSFLOW_LOG_LEVEL
    data_dir: str = ".newsflow"  # NEWSFLOW_DATA_DIR (worker state, local broker)
    aliases: str = ""  # NEWSFLOW_ALIASES: an extra alias table (JSON) merged over the shipped one
    kafka_cache: str = ""  # NEWSFLOW_KAFKA_CACHE: where the Kafka jars are cached ("": ~/.cache/newsflow/kafka)
    kafka_heap: str = "512m"  # NEWSFLOW_KAFKA_HEAP: the local broker's Java heap (-Xmx/-Xms)
    guarantee: str = "exactly_once"  # NEWSFLOW_GUARANTEE (exactly_once | at_least_once)
    worker_id: str = ""  # NEWSFLOW_WORKER_ID (stable per worker, unique among live ones; "": hostname)
    transaction_timeout_ms: int = 10000  # NEWSFLOW_TRANSACTION_TIMEOUT_MS (orphans abort after it)
    dedupe: bool = True  # NEWSFLOW_DEDUPE (on | off: skip articles already processed)
    log_format: str = "text"  # NEWSFLOW_LOG_FORMAT: text or json (JSON lines)
    trending_windows: str = "1h,24h:1h"  # NEWSFLOW_TRENDING_WINDOWS (size[:step], ...)
    trending_retention: str = "7d"  # NEWSFLOW_TRENDING_RETENTION (event time kept)
    stories_max: int = 20_000  # NEWSFLOW_STORIES_MAX: stories a worker's index keeps (oldest forgotten)
    event_time_max_age: str = "3650d"  # NEWSFLOW_EVENT_TIME_MAX_AGE: an older publish date is not the event time
    roles: str = "enrich,trending"  # NEWSFLOW_ROLES: what `newsflow worker` runs (enrich, trending)
    enrich_timeout_seconds: float = 60.0  # NEWSFLOW_ENRICH_TIMEOUT_SECONDS: per enrichment request
    enrich_memory_mb: int = 1024  # NEWSFLOW_ENRICH_MEMORY_MB: the enrichment process's resident limit
    batch_deadline_seconds: float = 30.0  # NEWSFLOW_BATCH_DEADLINE_SECONDS: then the batch is cut
    reuse_entries: int = 10_000  # NEWSFLOW_REUSE_ENTRIES: enrichments kept for copies (0: no reuse)
    reuse_mb: int = 64  # NEWSFLOW_REUSE_MB: their size (JSON), in the enrichment process
    # The archive (README, "The archive")
    archive_url: str = ""  # NEWSFLOW_ARCHIVE_URL ("": SQLite in NEWSFLOW_DATA_DIR; postgresql://...)
    archive_group: str = "newsflow-archive"  # NEWSFLOW_ARCHIVE_GROUP (the sinks' consumer group)
    archive_port: int = 6069  # NEWSFLOW_ARCHIVE_PORT (the archive's HTTP: /metrics, /healthz, /api)
    archive_batch_size: int = 500  # NEWSFLOW_ARCHIVE_BATCH_SIZE (messages per database transaction)
    archive_retention: str = ""  # NEWSFLOW_ARCHIVE_RETENTION (e.g. 90d; "": keep everything)
    # The web console, served with the archive's search API (docs/console.md)
    console_workers: str = "http://127.0.0.1:6066"  # NEWSFLOW_CONSOLE_WORKERS: worker URLs (trending, health)
    console_token: str = ""  # NEWSFLOW_CONSOLE_TOKEN (secret; "": the console is read-only)
    console_max_clients: int = 1000  # NEWSFLOW_CONSOLE_MAX_CLIENTS: pages connected at once
    console_queue_events: int = 256  # NEWSFLOW_CONSOLE_QUEUE_EVENTS: a page's backlog; then it is dropped
    # Feed fetching (docs/security.md, "Fetch policy")
    fetch_allow: str = ""  # NEWSFLOW_FETCH_ALLOW: private CIDRs / host names feeds may be on
    fetch_deadline_seconds: float = 30.0  # NEWSFLOW_FETCH_DEADLINE_SECONDS (one request, whole)
    poll_deadline_seconds: float = 120.0  # NEWSFLOW_POLL_DEADLINE_SECONDS (one feed and its pages)
    ingest_metrics_port: int = 6068  # NEWSFLOW_INGEST_METRICS_PORT: `newsflow ingest`'s /metrics (0: off)
    # Connecting to a secured cluster (docs/security.md)
    security_protocol: str = "PLAINTEXT"  # NEWSFLOW_SECURITY_PROTOCOL (SSL, SASL_PLAINTEXT, SASL_SSL)
    sasl_mechanism: str = "PLAIN"  # NEWSFLOW_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
    sasl_username: str = ""  # NEWSFLOW_SASL_USERNAME
    sasl_password: str = ""  # NEWSFLOW_SASL_PASSWORD (secret)
    ssl_cafile: str = ""  # NEWSFLOW_SSL_CAFILE (PEM; "": the system's CAs)
    ssl_certfile: str = ""  # NEWSFLOW_SSL_CERTFILE (client certificate, for mutual TLS)
    ssl_keyfile: str = ""  # NEWSFLOW_SSL_KEYFILE (its private key)
    ssl_key_password: str = ""  # NEWSFLOW_SSL_KEY_PASSWORD (secret; for an encrypted key)
    ssl_check_hostname: bool = True  # NEWSFLOW_SSL_CHECK_HOSTNAME
    # serve-ingest, the HTTP door (docs/security.md, docs/ingestion.md)
    ingest_tokens: str = ""  # NEWSFLOW_INGEST_TOKENS (secret; bearer tokens, comma-separated)
    ingest_tokens_file: str = ""  # NEWSFLOW_INGEST_TOKENS_FILE (one token a line; reread on change)
    ingest_tls_certfile: str = ""  # NEWSFLOW_INGEST_TLS_CERTFILE (PEM; with the key: HTTPS)
    ingest_tls_keyfile: str = ""  # NEWSFLOW_INGEST_TLS_KEYFILE
    ingest_tls_client_cafile: str = ""  # NEWSFLOW_INGEST_TLS_CLIENT_CAFILE (mutual TLS)
    ingest_allow_unauthenticated: bool = False  # NEWSFLOW_INGEST_ALLOW_UNAUTHENTICATED
    ingest_header_timeout_seconds: float = 10.0  # NEWSFLOW_INGEST_HEADER_TIMEOUT_SECONDS (and keep-alive)
    ingest_body_timeout_seconds: float = 30.0  # NEWSFLOW_INGEST_BODY_TIMEOUT_SECONDS
    ingest_ack_timeout_seconds: float = 5.0  # NEWSFLOW_INGEST_ACK_TIMEOUT_SECONDS (then 503)
    ingest_max_connections: int = 256  # NEWSFLOW_INGEST_MAX_CONNECTIONS
    ingest_max_request_bytes: int = 32 * 1024 * 1024  # NEWSFLOW_INGEST_MAX_REQUEST_BYTES
    ingest_max_buffered_bytes: int = 64 * 1024 * 1024  # NEWSFLOW_INGEST_MAX_BUFFERED_BYTES
    # The names set by the file, the environment or a flag, rather than left to default.
    _given: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """The file named by NEWSFLOW_CONFIG (if any), then the environment over it."""
        environ = os.environ if environ is None else environ
        values = _read_file(environ["NEWSFLOW_CONFIG"]) if environ.get("NEWSFLOW_CONFIG") else {}
        for setting in settable(cls):
            raw = environ.get(f"NEWSFLOW_{setting.name.upper()}")
            if raw is not None and raw != "":
                values[setting.name] = _convert(setting.name, setting.type, raw)
        return cls(**values, _given=frozenset(values))

    def given(self, name: str) -> bool:
        """Whether setting ``name`` was set (file, environment, flag) rather than left to
        its default: the demo uses a cluster it is given, and starts its own otherwise."""
        return name in self._given

    @property
    def worker_roles(self) -> frozenset[str]:
        """The roles of `newsflow worker`, checked: "enrich" (the raw -> downstream loop,
        with the spaCy model) and/or "trending" (the trending tables and their views)."""
        roles = frozenset(r.strip() for r in self.roles.split(",") if r.strip())
        if not roles or not roles <= ROLES:
            raise ConfigError(f"NEWSFLOW_ROLES={self.roles!r}: a comma-separated subset of "
                              f"{', '.join(sorted(ROLES))}")
        return roles

    def override(self, **flags: object) -> "Settings":
        """A copy with the flags that were given (None means "not given")."""
        given = {k: v for k, v in flags.items() if v is not None}
        return replace(self, **given, _given=self._given | frozenset(given))

    def __repr__(self) -> str:
        """The dataclass repr with secrets masked: settings end up in logs and tracebacks."""
        shown = (f"{f.name}={_masked(f.name, getattr(self, f.name))!r}" for f in settable(self))
        return f"Settings({', '.join(shown)})"


def settable(settings) -> list:
    """The fields of Settings that are settings (NEWSFLOW_<NAME>), in order."""
    return [f for f in fields(settings) if not f.name.startswith("_")]


_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds in "90s", "15m", "1h", "7d" (ValueError otherwise, a zero too)."""
    match = _DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 5m, 1h, 7d)")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


SECRETS = frozenset({"sasl_password", "ssl_key_password", "ingest_tokens", "console_token"})
ROLES = frozenset({"enrich", "trending"})
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _masked(name: str, value: object) -> object:
    return "***" if name in SECRETS and value else value


def _read_file(path: str) -> dict[str, object]:
    """Settings from a TOML file whose keys are the field names (bootstrap = "...")."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"NEWSFLOW_CONFIG={path!r}: {exc}") from None
    kinds = {setting.name: setting.type for setting in settable(Settings)}
    for key, value in data.items():
        if key not in kinds:
            raise ConfigError(f"NEWSFLOW_CONFIG={path!r}: unknown setting {key!r}")
        expected = {"int": (int,), "float": (int, float), "bool": (bool,)}.get(kinds[key], (str,))
        if isinstance(value, bool) != (kinds[key] == "bool") or not isinstance(value, expected):
            raise ConfigError(f"NEWSFLOW_CONFIG={path!r}: {key} must be {kinds[key]}, "
                             f"not {type(value).__name__}")
    return {k: float(v) if kinds[k] == "float" else v for k, v in data.items()}


def _convert(name: str, kind: str, raw: str) -> object:
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if raw.lower() not in _TRUE + _FALSE:
                raise ValueError(raw)
            return raw.lower() in _TRUE
    except ValueError:
        raise ConfigError(f"NEWSFLOW_{name.upper()}={raw!r} is not a valid {kind}") from None
    return raw
