"""Trending over a real stream: a few hundred PolNeAR train articles with event times
spread over two days, the windowed counts and both endpoints checked against counts the
test computes itself from the entity topic, and a restarted worker keeping its counts."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

import orjson
import pytest
from newsflow.core.parse import from_mapping
from newsflow.kafka.clients import producer as new_producer, started
from newsflow.local.worker_process import WorkerProcess
from newsflow.topics import messages
from newsflow.topics.registry import RAW
from newsflow.worker.trending import Window
from newsflow.kafka.reader import all_out, collect

pytestmark = pytest.mark.integration

TRAIN = Path(__file__).resolve().parents[3] / "shared" / "data" / "polnear" / "train" / "text"
ARTICLES = 240
START = 1477958400.0  # 2016-11-01T00:00:00Z
SPACING = 2 * 24 * 3600 / ARTICLES  # two days of event time
HOUR = 3600


def short_articles() -> list:
    """The first paragraphs (about 100 words) of PolNeAR train articles."""
    if not TRAIN.is_dir():
        pytest.skip(f"PolNeAR train texts not found at {TRAIN}")
    articles = []
    for path in sorted(TRAIN.glob("*.txt"))[:ARTICLES]:
        title, _, rest = path.read_text(encoding="utf-8").partition("\n")
        words = rest.split()[:100]
        articles.append(from_mapping({"title": title, "body": " ".join(words), "url": path.name}))
    return articles


def expected(entity_messages: list[dict], window: Window, at: float, label: str) -> list[tuple]:
    """(name, articles, quotes) per entity in the window, counted from the entity topic:
    an entity is its normalised name, its label the one it got most often in the window."""
    start, end = window.span(at)
    articles: dict[str, int] = defaultdict(int)
    quotes: dict[str, int] = defaultdict(int)
    labels: dict[str, Counter] = defaultdict(Counter)
    for m in entity_messages:
        if start <= m["_record"]["timestamp"] < end:
            articles[m["normalized"]] += 1
            quotes[m["normalized"]] += len(m["quotes"])
            labels[m["normalized"]][m["label"]] += 1
    def most_common(counts: Counter) -> str:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    rows = sorted(((k, articles[k], quotes[k]) for k in articles if most_common(labels[k]) == label),
                  key=lambda r: (-r[1], -r[2], r[0]))
    return rows[:20]


def get_json(worker: WorkerProcess, path: str, **params) -> dict:
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    return json.loads(worker.get(path + query))


def trending_rows(worker: WorkerProcess, **params) -> list[tuple]:
    answer = get_json(worker, "/trending", **params)
    return [(r["name"], r["articles"], r["quotes"]) for r in answer["entities"]]


async def wait_for(check, timeout: float = 180.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            return check()
        await asyncio.sleep(0.5)


async def test_trending_counts_endpoints_and_restart(settings, worker):
    articles = short_articles()
    producer = await started(new_producer(settings), settings)
    try:
        for index, article in enumerate(articles):
            at = START + index * SPACING
            value = messages.encode(messages.raw_article(article, at))
            await producer.send(RAW.name(settings.topic_prefix), value, key=article.id.encode(),
                                timestamp_ms=int(at * 1000))
        await producer.flush()
    finally:
        await producer.stop()
    ids = {a.id for a in articles}

    found = await collect(settings, ["enriched", "entities"], all_out(ids), timeout=600)
    assert all_out(ids)(found)
    entities = [m for m in found["entities"] if m["article_id"] in ids]
    assert {m["_record"]["timestamp"] for m in entities} <= {START + i * SPACING for i in range(ARTICLES)}
    latest = max(m["_record"]["timestamp"] for m in entities)

    day = Window("24h", 24 * HOUR, HOUR)
    hour = Window("1h", HOUR, HOUR)
    want_day = expected(entities, day, latest, "PERSON")
    assert want_day and want_day[0][1] >= 5
    began = time.monotonic()
    await wait_for(lambda: trending_rows(worker, window="24h", label="PERSON") == want_day)
    print(f"\ntrending caught up {time.monotonic() - began:.1f}s after the entity topic")
    assert trending_rows(worker, window="24h", label="PERSON") == want_day
    assert trending_rows(worker, window="1h", label="PERSON") == expected(entities, hour, latest, "PERSON")
    middle = START + 20 * HOUR + 5
    assert trending_rows(worker, window="24h", label="ORG", at=str(middle)) == expected(
        entities, day, middle, "ORG")
    answer = get_json(worker, "/trending", window="24h", label="PERSON", limit=3)
    assert len(answer["entities"]) == 3 and answer["kind"] == "hopping"
    assert answer["entities"][0]["co_occurring"]
    print("\nGET /trending?window=24h&label=PERSON&limit=3 ->\n" + json.dumps(answer, indent=1)[:3000])

    top_key = want_day[0][0]
    entity = get_json(worker, "/entities/" + urllib.parse.quote(top_key))
    seen = [a["seen"] for a in entity["articles"]]
    assert seen == sorted(seen, reverse=True)
    assert {a["article_id"] for a in entity["articles"]} <= ids
    assert len(entity["articles"]) == min(20, len({m["article_id"] for m in entities
                                                    if m["normalized"] == top_key}))
    for typed in (top_key.lower(), top_key.upper()):  # a look-up by name ignores case
        assert get_json(worker, "/entities/" + urllib.parse.quote(typed))["name"] == entity["name"]
    out_of_range = [{"at": at} for at in ("inf", "-inf", "nan", "1e20", "1e300", "9999-12-31T23:59:59")]
    for bad in ({"window": "3h"}, {"limit": "-1"}, {"label": "x" * 300}, *out_of_range,
                {"scope": "local", "at": "1e18"}):
        with pytest.raises(urllib.error.HTTPError) as refused:
            worker.get("/trending?" + urllib.parse.urlencode(bad))
        assert refused.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as missing:
        worker.get("/entities/nobody-at-all")
    assert missing.value.code == 404

    shown = subprocess.run(
        [sys.executable, "-m", "newsflow.cli", "trending", "--url", worker.url, "--window", "24h",
         "--label", "PERSON", "--limit", "3"], capture_output=True, text=True, timeout=30)
    assert shown.returncode == 0, shown.stderr
    rows = shown.stdout.splitlines()[2:]
    assert [r.split()[1:3] for r in rows] == [n.split()[:2] for n, _, _ in want_day[:3]]
    print(shown.stdout)

    await asyncio.sleep(4)  # past faust's commit interval, so the restart replays nothing
    assert worker.stop() == 0
    again = WorkerProcess(settings, Path(settings.data_dir) / "worker-restarted.log").start()
    try:
        again.wait_healthy()
        await wait_for(lambda: trending_rows(again, window="24h", label="PERSON") == want_day)
        assert trending_rows(again, window="24h", label="PERSON") == want_day
    finally:
        again.stop()
