"""Connection settings shared by every Kafka client newsflow creates."""

from __future__ import annotations

from newsflow.config import Settings

# The largest message newsflow writes: the raw, enriched and dead-letter topics allow
# 16 MiB so that an oversize input is still dead-lettered whole.
MAX_REQUEST_BYTES = 16 * 1024 * 1024 + 4096


def bootstrap_servers(settings: Settings) -> list[str]:
    return [server.strip() for server in settings.bootstrap.split(",") if server.strip()]


def faust_broker_url(settings: Settings) -> str:
    return ";".join(f"kafka://{server}" for server in bootstrap_servers(settings))
