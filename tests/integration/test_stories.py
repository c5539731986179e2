"""Stories across partitions and workers through a real broker: three syndicated copies of
one PolNeAR article, each on another raw partition than the one before, enriched by two
workers, are one story with three copies; an article on the same subject that shares a
block of text with it is a story of its own; trending counts each story once."""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.error
from collections import defaultdict

import pytest

from newsflow.bench.corpus import DEFAULT_CORPUS, _split
from newsflow.bench.syndication import boilerplate, trimmed
from newsflow.core.parse import from_mapping
from newsflow.kafka.clients import producer as new_producer, started
from newsflow.kafka.reader import all_out, collect
from newsflow.local.broker import free_port
from newsflow.local.worker_process import WorkerProcess
from newsflow.topics import messages, validate
from newsflow.topics.registry import RAW
from tests.conftest import session_failed

pytestmark = pytest.mark.integration

STORY = "breitbart_2016-04-19_clinton-wins-democratic-presi"
SAME_SUBJECT = "breitbart_2016-03-01_the-latest-sanders-wins-minne"  # shares a header block


def text(prefix: str) -> tuple[str, str]:
    if not DEFAULT_CORPUS.is_dir():
        pytest.skip(f"PolNeAR train texts not found at {DEFAULT_CORPUS}")
    [path] = DEFAULT_CORPUS.glob(prefix + "*.txt")
    return _split(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def two_workers(settings, request):
    started_workers = []
    for n in range(2):
        process = WorkerProcess(settings.override(web_port=free_port(), worker_id=f"w{n}",
                                                  data_dir=f"{settings.data_dir}/w{n}"),
                                f"{settings.data_dir}/w{n}.log").start()
        started_workers.append(process)
    for process in started_workers:
        process.wait_healthy()
    yield started_workers
    for process in started_workers:
        process.stop()
        if session_failed(request):
            print(f"\nworker log kept in {process.log_path}")


def readiness(worker) -> dict:
    """/readyz's answer, 503 (not ready) included."""
    try:
        return json.loads(worker.get("/readyz"))
    except urllib.error.HTTPError as exc:
        return json.load(exc)


async def one_each(workers) -> None:
    """Until each worker owns one raw partition."""
    for _ in range(240):
        owned = [readiness(w).get("assigned_partitions") or [] for w in workers]
        if sorted(map(tuple, owned)) == [(0,), (1,)]:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"partitions not split between the workers: {owned}")


async def test_copies_on_two_workers_are_one_story_counted_once(settings, two_workers):
    await one_each(two_workers)
    title, body = text(STORY)
    copies = [(title, body), trimmed(title, body, random.Random(1)),
              boilerplate("Clinton wins: " + title, body, None)]
    articles = [from_mapping({"title": t, "body": b, "url": f"https://outlet{n}.example/clinton"})
                for n, (t, b) in enumerate(copies)]
    other_title, other_body = text(SAME_SUBJECT)
    articles.append(from_mapping({"title": other_title, "body": other_body,
                                  "url": "https://outlet0.example/sanders"}))
    producer = await started(new_producer(settings), settings)
    try:
        for n, article in enumerate(articles):  # partitions 0, 1, 0, 1: both workers
            await producer.send_and_wait(RAW.name(settings.topic_prefix),
                                         messages.encode(messages.raw_article(article, time.time())),
                                         key=article.id.encode(), partition=n % 2)
            await collect(settings, ["enriched"], all_out({article.id}))  # one after the other
    finally:
        await producer.stop()
    ids = [a.id for a in articles]
    found = await collect(settings, ["enriched", "entities", "stories"], all_out(set(ids)))
    enriched = {e["id"]: e for e in found["enriched"] if e["id"] in ids}
    stories = [enriched[i]["story"] for i in ids]
    assert stories[:3] == [{"id": ids[0], "copies": 1}, {"id": ids[0], "copies": 2},
                           {"id": ids[0], "copies": 3}]
    assert stories[3] == {"id": ids[3], "copies": 1}
    partitions = {e["_record"]["partition"] for e in enriched.values()}
    assert partitions == {0, 1}  # the copies' records went through both workers
    announced = [(m["event"], m["story"], m["article_id"]) for m in found["stories"]]
    assert announced == [("founded", ids[0], ids[0]), ("copy", ids[0], ids[1]),
                         ("copy", ids[0], ids[2]), ("founded", ids[3], ids[3])]
    for message in found["stories"]:
        message.pop("_record")
        validate(message)

    story_of = defaultdict(set)  # the stories each entity is in, by their first copy
    for m in found["entities"]:
        if m["article_id"] in ids and m["story"]["copies"] == 1:
            story_of[m["normalized"]].add(m["story"]["id"])
    rows = []
    for _ in range(600):  # trending follows the entity topic: slow on a loaded machine
        answer = json.loads(two_workers[0].get("/trending?window=24h&limit=200"))
        rows = answer["entities"]
        if rows and all(r["stories"] == len(story_of[r["key"]]) for r in rows):
            break
        await asyncio.sleep(0.5)
    assert answer["ranked_by"] == "stories"
    assert {r["key"]: r["stories"] for r in rows} == {r["key"]: len(story_of[r["key"]]) for r in rows}
    clinton = next(r for r in rows if r["articles"] >= 3)
    assert clinton["stories"] < clinton["articles"]
