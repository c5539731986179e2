"""Trending and health, as the workers report them: their /trending views and /readyz and
/metrics, asked every PUSH_SECONDS and pushed to the pages (which never poll). The
latest snapshot also answers /api/console/trending and /api/console/health."""

from __future__ import annotations

import asyncio
import logging
import time

import aiohttp
import orjson
from prometheus_client.parser import text_string_to_metric_families

from newsflow.config import Settings
from newsflow.console.hub import Hub, event
from newsflow.worker.trending import parse_windows

log = logging.getLogger(__name__)
PUSH_SECONDS = 5.0
ASK_SECONDS = 3.0  # one worker request; a worker that takes longer counts as down
LABELS = (None, "PERSON", "ORG", "GPE")
TOP = 10
MAX_METRICS_BYTES = 4 * 1024 * 1024


def worker_urls(settings: Settings) -> list[str]:
    return [u.strip().rstrip("/") for u in settings.console_workers.split(",") if u.strip()]


def read_metrics(text: str) -> dict:
    """The figures the health page shows, from one worker's /metrics."""
    enriched = dead = 0.0
    lag = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "newsflow_articles_enriched_total":
                enriched += sample.value
            elif sample.name == "newsflow_dead_letters_total":
                dead += sample.value
            elif sample.name == "newsflow_consumer_lag_messages":
                lag.append({"topic": sample.labels.get("topic"),
                            "partition": int(sample.labels.get("partition", -1)),
                            "lag": int(sample.value)})
    return {"articles_enriched_total": enriched, "dead_letters_total": dead, "lag": lag}


class Snapshots:
    def __init__(self, settings: Settings, hub: Hub):
        self.urls = worker_urls(settings)
        self.windows = [w.name for w in parse_windows(settings.trending_windows)]
        self.hub = hub
        self.trending: dict = {"windows": [], "error": "not asked yet"}
        self.health: dict = {"workers": [], "lag": [], "lag_total": 0, "console": self.console()}
        self._last: dict[str, tuple[float, float]] = {}  # url -> (monotonic, enriched total)

    async def run(self, stopping: asyncio.Event) -> None:
        timeout = aiohttp.ClientTimeout(total=ASK_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while not stopping.is_set():
                self.trending = await self._trending(http)
                self.health = await self._health(http)
                self.hub.publish(event("trending", self.trending))
                self.hub.publish(event("health", self.health))
                try:
                    await asyncio.wait_for(stopping.wait(), PUSH_SECONDS)
                except asyncio.TimeoutError:
                    pass

    async def _get(self, http, url: str, **params) -> bytes | None:
        try:
            async with http.get(url, params={k: v for k, v in params.items() if v}) as response:
                body = await response.content.read(MAX_METRICS_BYTES)
                return body if response.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return None

    async def _trending(self, http) -> dict:
        """Every window x label, from the first worker that answers (each merges its peers)."""
        for url in self.urls:
            views = await self._views(http, url)
            if views is not None:
                return {"windows": views, "error": None}
        return {"windows": [], "error": "no worker answered /trending "
                                        f"({', '.join(self.urls) or 'none configured'})"}

    async def _views(self, http, url: str) -> list[dict] | None:
        views = []
        for window in self.windows:
            for label in LABELS:
                body = await self._get(http, f"{url}/trending", window=window, label=label, limit=TOP)
                if body is None:
                    return None
                views.append(orjson.loads(body))
        return views

    async def _health(self, http) -> dict:
        workers, lag = [], []
        for url in self.urls:
            ready = await self._get(http, f"{url}/readyz")
            text = await self._get(http, f"{url}/metrics")
            figures = read_metrics(text.decode("utf-8", "replace")) if text else None
            state = orjson.loads(ready) if ready else {}
            worker = {"url": url, "up": text is not None, "ready": bool(state.get("ready")),
                      "assigned_partitions": state.get("assigned_partitions", []),
                      "articles_enriched_total": None, "dead_letters_total": None,
                      "articles_per_second": None}
            if figures:
                now, total = time.monotonic(), figures["articles_enriched_total"]
                if url in self._last:
                    then, before = self._last[url]
                    worker["articles_per_second"] = round(max(0.0, total - before) / max(now - then, 1e-3), 2)
                self._last[url] = (now, total)
                worker["articles_enriched_total"] = total
                worker["dead_letters_total"] = figures["dead_letters_total"]
                lag += figures["lag"]
            workers.append(worker)
        lag.sort(key=lambda row: (row["topic"] or "", row["partition"]))
        return {"workers": workers, "lag": lag, "lag_total": sum(row["lag"] for row in lag),
                "console": self.console()}

    def console(self) -> dict:
        return {"clients": len(self.hub.clients), "clients_dropped_total": self.hub.dropped}
