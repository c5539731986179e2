"""`newsflow worker`: the faust app, a thin shell over worker.pipeline.

Batches come from the raw topic with ``take_events``; the CPU-bound enrichment runs in a
worker thread so the event loop keeps heartbeats and the web server alive; offsets are
committed by faust only after the batch's messages are published (at-least-once).
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import faust
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.enrich import Enricher
from newsflow.kafka.clients import MAX_REQUEST_BYTES, bootstrap_servers, faust_broker_url
from newsflow.topics.registry import RAW, TOPICS
from newsflow.worker.pipeline import Incoming, process_batch

log = logging.getLogger(__name__)
LAG_INTERVAL_SECONDS = 5.0


def create_app(settings: Settings, enricher: Enricher) -> faust.App:
    app = faust.App(
        settings.app_id,
        broker=faust_broker_url(settings),
        key_serializer="raw",
        value_serializer="raw",
        datadir=str(Path(settings.data_dir) / "faust"),
        web_bind=settings.bind,
        web_host=settings.bind,
        web_port=settings.web_port,
        topic_partitions=settings.partitions,
        consumer_auto_offset_reset="earliest",
        consumer_max_fetch_size=MAX_REQUEST_BYTES,
        producer_max_request_size=MAX_REQUEST_BYTES,
        producer_acks=-1,
    )
    prefix = settings.topic_prefix
    raw = app.topic(RAW.name(prefix), key_type=bytes, value_type=bytes)
    outputs = {t.role: app.topic(t.name(prefix), key_type=bytes, value_type=bytes) for t in TOPICS}
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="enrich")

    @app.agent(raw)
    async def enrich(stream):
        async for events in stream.take_events(settings.batch_size, within=settings.batch_seconds):
            started = time.monotonic()
            records = [
                Incoming(
                    payload=event.value or b"",
                    topic=event.message.topic,
                    partition=event.message.partition,
                    offset=event.message.offset,
                    timestamp=event.message.timestamp,
                )
                for event in events
            ]
            metrics.ARTICLES_CONSUMED.inc(len(records))
            metrics.BATCH_SIZE.observe(len(records))
            loop = asyncio.get_running_loop()
            out = await loop.run_in_executor(
                executor, process_batch, enricher, records, settings.max_bytes
            )
            for message in out:
                key = message.key.encode() if message.key is not None else None
                await outputs[message.topic.role].send(key=key, value=message.value)
                _count(message)
            await app.producer.flush()
            now = time.time()
            for record in records:
                if record.timestamp:
                    metrics.END_TO_END_SECONDS.observe(max(0.0, now - record.timestamp))
            metrics.BATCH_SECONDS.observe(time.monotonic() - started)

    @app.timer(LAG_INTERVAL_SECONDS)
    async def report_lag():
        await _update_lag(app, settings)

    @app.page("/metrics")
    async def prometheus_metrics(web, request):
        return web.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.page("/healthz")
    async def healthz(web, request):
        return web.json({"status": "ok"})

    return app


def _count(message) -> None:
    metrics.MESSAGES_PRODUCED.labels(message.topic.role).inc()
    if message.reason is not None:
        metrics.DEAD_LETTERS.labels(message.reason, "worker").inc()
    elif message.topic.role == "enriched":
        metrics.ARTICLES_ENRICHED.inc()
    elif message.topic.role == "quotes":
        metrics.QUOTES_EMITTED.inc()
    elif message.topic.role == "entities":
        metrics.ENTITIES_EMITTED.inc()


async def _update_lag(app: faust.App, settings: Settings) -> None:
    """Lag per assigned partition: broker high watermark minus the group's committed offset."""
    assigned = app.consumer.assignment()
    if not assigned:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings))
    try:
        await admin.start()
        committed = await admin.list_consumer_group_offsets(settings.app_id)
    except Exception as exc:  # noqa: BLE001 - lag is best effort, never fatal
        log.warning("consumer lag unavailable: %s", exc)
        return
    finally:
        await admin.close()
    for tp in assigned:
        highwater = app.consumer.highwater(tp)
        if highwater is None:
            continue
        offset = committed.get(tp)
        position = offset.offset if offset is not None and offset.offset >= 0 else 0
        metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(0, highwater - position))


def run(settings: Settings) -> int:
    """Load the model first (fail fast if missing), then run the faust worker until stopped."""
    enricher = Enricher.load(settings.model, batch_size=settings.batch_size)
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    app = create_app(settings, enricher)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True)
    worker.execute_from_commandline()
    return 0
