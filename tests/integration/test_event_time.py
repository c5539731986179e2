"""Trending by publish time through a real broker and worker: articles published in July
2025 and ingested today answer /trending?at= for their date, not for now."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error

import orjson
import pytest

from newsflow.ingest.publish import publish
from newsflow.kafka.reader import all_out, collect

pytestmark = pytest.mark.integration

BODY = ('Senator Maria Lopez said on Monday that the harbour bridge would reopen. '
        '"We have done the work," Maria Lopez told reporters in Portsmouth.')


async def test_trending_answers_at_for_the_publish_date(settings, worker, tmp_path):
    path = tmp_path / "july.jsonl"
    articles = [{"title": f"Bridge {n}", "body": BODY + f" Day {n}.", "published": "2025-07-21",
                 "url": f"https://news.example/2025/07/bridge-{n}"} for n in range(3)]
    path.write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in articles))
    ids: list[str] = []
    await publish(settings, [str(path)], acknowledged=ids.extend)
    found = await collect(settings, ["enriched", "entities"], all_out(set(ids)))
    [july] = {e["event_time"] for e in found["entities"] if e["article_id"] in ids}
    assert july == 1753056000.0  # 2025-07-21T00:00:00Z; the records keep the ingest time
    assert all(e["_record"]["timestamp"] > time.time() - 3600 for e in found["entities"])

    def lopez(at: str) -> list[dict]:
        answer = json.loads(worker.get(f"/trending?window=24h&at={at}"))
        return [r for r in answer["entities"] if "Lopez" in r["name"]]

    deadline = time.monotonic() + 120
    while True:
        try:
            rows = lopez("2025-07-21T12:00:00Z")
        except (OSError, urllib.error.URLError):
            rows = []
        if rows and rows[0]["articles"] == 3 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    # three copies of one story: counted once, every copy as the second figure
    assert [(r["stories"], r["articles"]) for r in rows] == [(1, 3)] and rows[0]["quotes"] >= 1
    assert lopez(str(int(time.time()))) == []  # not trending "now"
