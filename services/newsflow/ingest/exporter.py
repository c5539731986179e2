"""The /metrics endpoint of `newsflow ingest`: prometheus-client's own HTTP server, in a
thread, on NEWSFLOW_BIND:NEWSFLOW_INGEST_METRICS_PORT.

A feed poller runs for as long as it is left running, so it serves /metrics by default;
file and stdin ingestion (`tail -f wire.jsonl | newsflow ingest -` may run as long) serve
them only when NEWSFLOW_INGEST_METRICS_PORT is given: a one-shot ingest has nothing to be
scraped for, and two of them side by side would fight over the port."""

from __future__ import annotations

import prometheus_client

from newsflow import metrics
from newsflow.config import Settings
from newsflow.errors import Unavailable


def wanted(settings: Settings, long_running: bool) -> bool:
    """Whether this ingest serves /metrics (port 0: never)."""
    return settings.ingest_metrics_port != 0 and (
        long_running or settings.given("ingest_metrics_port"))


def serve(settings: Settings) -> None:
    """Listen now, before anything is published (Unavailable if the port is taken), with
    the producer's labelled series exported at 0."""
    metrics.start_ingest_series()
    try:
        prometheus_client.start_http_server(settings.ingest_metrics_port, addr=settings.bind)
    except OSError as exc:
        raise Unavailable(
            f"cannot listen on {settings.bind}:{settings.ingest_metrics_port} for /metrics "
            f"({exc.strerror}): set --ingest-metrics-port or NEWSFLOW_INGEST_METRICS_PORT "
            "(0: no /metrics)") from None
