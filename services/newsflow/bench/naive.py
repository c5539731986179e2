"""The naive baseline for `newsflow bench`: a faust agent that enriches one message at a
time (one nlp() call each, in the event loop) and sends its outputs one by one, waiting
for each send, with the consumer offset committed after every message.

``python -m newsflow.bench.naive`` runs it with the same NEWSFLOW_* settings, topics and
messages as `newsflow worker`; only the batching differs.
"""

from __future__ import annotations

from pathlib import Path

import faust

from newsflow import logs
from newsflow.config import Settings
from newsflow.core.article import Article, BadArticle
from newsflow.core.enrich import Enricher
from newsflow.kafka.clients import faust_app
from newsflow.topics.registry import RAW, TOPICS
from newsflow.worker.pipeline import Incoming, process_batch


class OneByOne(Enricher):
    """The enricher with one nlp() call per article instead of nlp.pipe."""

    def enrich_batch(self, articles: list[Article]) -> list[dict | BadArticle]:
        return [self._enrich_alone(article) for article in articles]


def create_app(settings: Settings, enricher: Enricher) -> faust.App:
    app = faust_app(
        settings, settings.app_id,
        datadir=str(Path(settings.data_dir) / "faust"),
        web_bind=settings.bind,
        web_host=settings.bind,
        web_port=settings.web_port,
        topic_partitions=settings.partitions,
        consumer_auto_offset_reset="earliest",
        broker_commit_every=1,
    )
    raw = app.topic(RAW.name(settings.topic_prefix), key_type=bytes, value_type=bytes)
    outputs = {t.role: app.topic(t.name(settings.topic_prefix), key_type=bytes, value_type=bytes)
               for t in TOPICS}

    @app.agent(raw)
    async def enrich(stream):
        async for event in stream.events():
            record = Incoming(payload=event.value or b"", topic=event.message.topic,
                              partition=event.message.partition, offset=event.message.offset,
                              timestamp=event.message.timestamp)
            for message in process_batch(enricher, [record], settings.max_bytes):
                key = message.key.encode() if message.key is not None else None
                await outputs[message.topic.role].send(key=key, value=message.value,
                                                       timestamp=message.timestamp)
                await app.producer.flush()

    @app.page("/healthz")
    async def healthz(web, request):
        return web.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(web, request):
        """The raw partitions this worker owns (the bench waits until they are shared)."""
        assigned = sorted(tp.partition for tp in app.consumer.assignment()
                          if tp.topic == raw.get_topic_name())
        return web.json({"ready": bool(assigned), "assigned_partitions": assigned},
                        status=200 if assigned else 503)

    return app


def main() -> None:
    settings = Settings.from_env()
    enricher = OneByOne.load(settings.model, batch_size=1)
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    worker = faust.Worker(
        create_app(settings, enricher), loglevel=settings.log_level.upper(), quiet=True,
        logging_config=logs.dict_config(settings.log_level, settings.log_format),
    )
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
