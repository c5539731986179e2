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
import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newsflow import logs, metrics
from newsflow.config import Settings
from newsflow.core.enrich import Enricher
from newsflow.kafka.clients import MAX_REQUEST_BYTES, check, faust_options
from newsflow.topics.registry import RAW, TOPICS
from newsflow.worker import trending_app
from newsflow.worker.observe import BrokerProbe
from newsflow.worker.pipeline import Incoming, process_batch

log = logging.getLogger(__name__)
LAG_INTERVAL_SECONDS = 5.0


def create_app(settings: Settings, enricher: Enricher) -> faust.App:
    app = faust.App(
        settings.app_id,
        **faust_options(settings),
        key_serializer="raw",
        value_serializer="raw",
        datadir=str(Path(settings.data_dir) / "faust"),
        web_bind=settings.bind,
        web_host=settings.web_host or settings.bind,
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
                await outputs[message.topic.role].send(
                    key=key, value=message.value, timestamp=message.timestamp
                )
                _count(message)
            await app.producer.flush()
            now = time.time()
            for record in records:
                if record.timestamp:
                    metrics.END_TO_END_SECONDS.observe(max(0.0, now - record.timestamp))
            metrics.BATCH_SECONDS.observe(time.monotonic() - started)

    probe = BrokerProbe(settings)

    @app.timer(LAG_INTERVAL_SECONDS)
    async def report_lag():
        raw_partitions = [tp for tp in app.consumer.assignment() if tp.topic == raw.get_topic_name()]
        await probe.update_lag(raw_partitions, app.consumer.highwater)

    @app.page("/metrics")
    async def prometheus_metrics(web, request):
        return web.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.page("/healthz")
    async def healthz(web, request):
        return web.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(web, request):
        assigned = sorted(tp.partition for tp in app.consumer.assignment()
                          if tp.topic == raw.get_topic_name())
        broker = await probe.reachable()
        ready = broker and bool(assigned)
        return web.json({"ready": ready, "model_loaded": True, "broker_reachable": broker,
                         "assigned_partitions": assigned}, status=200 if ready else 503)

    trending_app.install(app, settings)
    return app


def _count(message) -> None:
    metrics.MESSAGES_PRODUCED.labels(message.topic.role).inc()
    if message.reason is not None:
        metrics.DEAD_LETTERS.labels(message.reason, "worker").inc()
        letter = orjson.loads(message.value)
        log.warning("dead-lettered: %s", letter["detail"], extra={
            "reason": letter["reason"], "article_id": letter["article_id"], **letter["source"]})
    elif message.topic.role == "enriched":
        metrics.ARTICLES_ENRICHED.inc()
    elif message.topic.role == "quotes":
        metrics.QUOTES_EMITTED.inc()
    elif message.topic.role == "entities":
        metrics.ENTITIES_EMITTED.inc()


def run(settings: Settings) -> int:
    """Check the connection and load the model first (fail fast with one clear line), then
    run the faust worker until stopped."""
    asyncio.run(check(settings, "worker"))
    enricher = Enricher.load(settings.model, batch_size=settings.batch_size)
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    app = create_app(settings, enricher)
    worker = faust.Worker(
        app, loglevel=settings.log_level.upper(), quiet=True,
        logging_config=logs.dict_config(settings.log_level, settings.log_format),
    )
    worker.execute_from_commandline()
    return 0
