"""`newsflow worker`: the transactional enrichment loop inside a faust app.

NEWSFLOW_ROLES picks what a worker runs: "enrich" (the loop below, with the spaCy model),
"trending" (the tables fed from the entity topic) or both, the default. Enrichment scales
with cores; trending is light and can live in a few small processes of its own.

The raw topic is consumed by worker.transactional (our own exactly-once loop on aiokafka:
faust's ``exactly_once`` loses to its open bugs, see docs/guarantees.md), run by the faust
worker beside the app; faust itself keeps what it is good at: the trending tables fed from the
entity topic, their changelogs and the web server (/metrics, /healthz, /readyz,
/trending). faust's consumer group is ``<app_id>-trending`` so that it never shares a
group with the loop's (``<app_id>``).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import faust
import mode
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newsflow import metrics
from newsflow.config import Settings
from newsflow.kafka.clients import faust_app
from newsflow.worker import trending_app
from newsflow.worker.faust_consumer import read_committed
from newsflow.worker.observe import BrokerProbe
from newsflow.worker.transactional import TransactionalProcessor

log = logging.getLogger(__name__)
LAG_INTERVAL_SECONDS = 5.0
STOP_SECONDS = 15.0  # for the batch in flight to commit what is done, or abort, on SIGTERM


def create_app(settings: Settings, processor: TransactionalProcessor | None,
               replication_factor: int = 1) -> tuple[faust.App, list[mode.Service]]:
    """The worker's faust app with its roles, as NEWSFLOW_ROLES says: the enrichment loop
    (given its processor) and the trending tables, whose changelog topics faust creates
    with ``replication_factor``; /metrics, /healthz and /readyz always.
    Also the services to run beside the app: the loop is no child of the app, since faust
    starts its children only once its own group has recovered, which after a crash waits
    for the dead member to time out."""
    roles = settings.worker_roles
    app = faust_app(
        settings, f"{settings.app_id}-trending",
        datadir=str(Path(settings.data_dir) / "faust"),
        web_bind=settings.bind,
        web_host=settings.web_host or settings.bind,
        web_port=settings.web_port,
        topic_partitions=settings.partitions,
        topic_replication_factor=replication_factor,
        consumer_auto_offset_reset="earliest",
        # faust's default of 60 s keeps a crashed worker's trending partitions (and the
        # restarted worker's recovery) waiting a minute; the enrichment loop's group uses 10
        broker_session_timeout=10.0,
    )
    read_committed(app)
    metrics.start_worker_series()
    probe = BrokerProbe(settings)
    services = []
    if processor is not None:
        services.append(_enrichment_service(app, processor, probe))

    @app.page("/metrics")
    async def prometheus_metrics(web, request):
        return web.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.page("/healthz")
    async def healthz(web, request):
        return web.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(web, request):
        """Ready: broker reachable and, for the enrich role, an enrichment process with
        the model, raw partitions owned and restored, a member of the group, and a loop
        that is not stuck."""
        broker = await probe.reachable()
        body = {"roles": sorted(roles), "model_loaded": processor is not None and processor.process.ready,
                "broker_reachable": broker}
        if processor is not None:
            body["assigned_partitions"] = sorted(tp.partition for tp in processor.assignment())
            body["in_group"] = processor.in_group
            body["stuck"] = processor.stuck
            body["refused"] = processor.refused
        body["ready"] = broker and (processor is None or processor.ready)
        return web.json(body, status=200 if body["ready"] else 503)

    if "trending" in roles:
        trending_app.install(app, settings)
    return app, services


def _enrichment_service(app: faust.App, processor: TransactionalProcessor,
                        probe: BrokerProbe) -> mode.Service:
    """The transactional loop as a service, and its lag report on the app's timer."""

    class EnrichmentLoop(mode.Service):
        """Starts the loop with the app; on stop, lets its batch commit or abort first."""

        _task: asyncio.Task | None = None

        async def on_start(self) -> None:
            self._task = asyncio.ensure_future(processor.run())
            self._task.add_done_callback(self._ended)

        def _ended(self, task: asyncio.Task) -> None:
            if not task.cancelled() and task.exception() is not None:
                self.crash(task.exception())  # the worker exits non-zero instead of idling

        async def on_stop(self) -> None:
            processor.stop()
            if self._task is not None:
                try:
                    await asyncio.wait_for(asyncio.shield(self._task), STOP_SECONDS)
                except asyncio.TimeoutError:
                    log.warning("enrichment loop did not stop in %.0fs: cancelled", STOP_SECONDS)
                    self._task.cancel()
                    processor.process.kill()

    @app.timer(LAG_INTERVAL_SECONDS)
    async def report_lag():
        await processor.watch_broker(await probe.reachable())
        await probe.update_lag(processor.assignment(), processor.highwater)

    return EnrichmentLoop()
