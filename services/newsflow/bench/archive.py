"""The archive's figures (`newsflow bench --archive`): the store's write throughput
(articles/s, rows/s; the database side of the sink: the Kafka side is the worker's same
read_committed consumer), search latency p50/p99 of the API's queries on the archive it
filled, and the database size per 1,000 articles; on SQLite and on a throw-away local
PostgreSQL when its binaries are there.

The articles are the seed's enrichment under new ids, dates spread over a year, speakers
among 200 names and entities among 500, so that the queries select like real ones."""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from newsflow.archive import database, observe, queries
from newsflow.archive.store import Store
from newsflow.config import Settings
from newsflow.core.entities.aliases import load
from newsflow.topics import messages

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_310a264808ce774a.txt"
SPEAKERS = [f"Speaker Number{i}" for i in range(200)]
ENTITIES = [f"Place Number{i}" for i in range(500)]
BATCH = 500  # messages per transaction, NEWSFLOW_ARCHIVE_BATCH_SIZE's default
ROLES = {"enriched": "enriched", "quotes": "quotes", "entities": "entities"}


@dataclass
class _Record:
    offset: int
    value: bytes
    timestamp: float


def _seed() -> dict:
    from newsflow.core.enrich import Enricher
    from newsflow.core.parse import from_seed_text

    return Enricher.load().enrich(from_seed_text(SEED.read_text(encoding="utf-8")))


def _article(seed: dict, i: int, rng: random.Random) -> dict:
    """The seed as article ``i``: its entities renamed, its quotes' speakers changed."""
    names = {e["name"]: rng.choice(ENTITIES) for e in seed["canonical_entities"]}
    entities = [{**e, "name": names[e["name"]], "normalized": names[e["name"]],
                 "id": names[e["name"]]} for e in seed["canonical_entities"]]
    entities = list({e["id"]: e for e in entities}.values())
    quotes = [{**q, "speaker": {**q["speaker"], "name": rng.choice(SPEAKERS), "entity": None}
               if q.get("speaker") else None} for q in seed["quotes"]]
    day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 365)
    return {**seed, "id": f"b{i:08d}", "published": day.isoformat(), "quotes": quotes,
            "canonical_entities": entities}


def _batches(seed: dict, articles: int):
    rng, offsets, pending = random.Random(7), {role: 0 for role in ROLES}, {}
    count = 0
    for i in range(articles):
        enriched = _article(seed, i, rng)
        values = [("enriched", messages.encode(messages.enriched_article(enriched, None)))]
        values += [("quotes", messages.encode(m)) for _, m in messages.quote_messages(enriched)]
        values += [("entities", messages.encode(m)) for _, m in messages.entity_messages(enriched)]
        for role, value in values:
            pending.setdefault((role, 0), []).append(_Record(offsets[role], value, time.time() * 1000))
            offsets[role] += 1
            count += 1
            if count == BATCH:
                yield pending
                pending, count = {}, 0
    if pending:
        yield pending


def _search_cases(rng: random.Random) -> list[tuple[str, dict]]:
    cases = []
    for _ in range(40):
        cases += [("speaker", {"speaker": rng.choice(SPEAKERS)}),
                  ("about", {"about": rng.choice(ENTITIES)}),
                  ("speaker+about", {"speaker": rng.choice(SPEAKERS), "about": rng.choice(ENTITIES)}),
                  ("q", {"q": rng.choice(["negotiations", "conflict resolution", "signals Kiev"])}),
                  ("speaker+dates", {"speaker": rng.choice(SPEAKERS), "from": "2025-03-01",
                                     "to": "2025-03-31"})]
    return cases


def _ms(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[int(q) - 1] * 1000, 2)


def measure(settings: Settings, articles: int, seed: dict) -> dict:
    engine = database.open_archive(settings)
    store = Store(engine, ROLES, load())
    expected: dict = {}
    rows = 0
    started = time.perf_counter()
    for batch in _batches(seed, articles):
        written = store.write(batch, expected)
        expected.update(written.next_offsets)
        rows += sum(written.tables.values())
    seconds = time.perf_counter() - started
    figures = {"articles": articles, "write_seconds": round(seconds, 1),
               "articles_per_second": round(articles / seconds, 1),
               "rows_per_second": round(rows / seconds), "rows": observe.table_rows(engine),
               "bytes_per_1000_articles": observe.size_bytes(engine) * 1000 // articles}
    if engine.dialect.name == "postgresql":  # the statistics its autovacuum keeps
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
    aliases, latencies = load(), {}
    with engine.connect() as connection:
        for name, params in _search_cases(random.Random(11)):
            started = time.perf_counter()
            queries.quotes(connection, queries.QuoteQuery.of(params), aliases)
            latencies.setdefault(name, []).append(time.perf_counter() - started)
        for entity in random.Random(13).sample(ENTITIES, 40):
            started = time.perf_counter()
            queries.entity(connection, entity, queries.Range(None, None), aliases)
            latencies.setdefault("entity", []).append(time.perf_counter() - started)
    figures["search_ms"] = {name: {"p50": _ms(v, 50), "p99": _ms(v, 99)} for name, v in latencies.items()}
    engine.dispose()
    return figures


def run(articles: int) -> dict:
    from newsflow.local.postgres import LocalPostgres, binaries

    seed, found = _seed(), {}
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-archive-") as folder:
        found["sqlite"] = measure(Settings(data_dir=folder), articles, seed)
        print(json.dumps({"sqlite": found["sqlite"]}), flush=True)
    if binaries():
        server = LocalPostgres().start()
        try:
            found["postgresql"] = measure(Settings(archive_url=server.url), articles, seed)
            print(json.dumps({"postgresql": found["postgresql"]}), flush=True)
        finally:
            server.stop()
    return found
