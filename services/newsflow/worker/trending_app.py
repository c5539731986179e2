"""The faust side of trending: the tables, the agent that fills them from the entity
topic, the timer that expires old buckets, and the read-only web views.

``GET /trending`` answers for every worker: it asks the other workers that hold trending
partitions (faust's router knows them) for their local rows and merges them.
``GET /entities/{name}`` is routed by faust to the worker that owns the entity's key (the
name looked up case-insensitively and through the alias table first).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import math
import re
import time

import aiohttp
import faust
import orjson

from newsflow import metrics
from newsflow.config import Settings
from newsflow.core.entities import aliases
from newsflow.topics.registry import ENTITIES
from newsflow.worker import trending

log = logging.getLogger(__name__)
RECENT_ARTICLES = 20
MAX_LIMIT = 200
_LABEL = re.compile(r"^[A-Z_]{1,20}$")
_NAME_MAX = 200
EXPIRE_INTERVAL_SECONDS = 60.0
LATEST_AT = 4102444800.0  # 2100-01-01T00:00:00Z
PEER_TIMEOUT_SECONDS = 5.0


class BadQuery(ValueError):
    """A query parameter we refuse with 400."""


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _parse_at(text: str) -> float:
    """Unix seconds or an ISO 8601 time, from 1970 to 2100 (windows end after ``at``; the
    calendar ends at year 9999)."""
    try:
        at = float(text)
    except ValueError:
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise BadQuery("'at' must be Unix seconds or an ISO 8601 time") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        at = parsed.timestamp()
    if not math.isfinite(at) or not 0 <= at < LATEST_AT:
        raise BadQuery("'at' must be a time between 1970 and 2100")
    return at


def parse_query(query, windows: dict[str, trending.Window]) -> dict:
    """The validated /trending parameters (raises BadQuery)."""
    if any(len(str(v)) > 64 for v in query.values()):
        raise BadQuery("query parameter too long")
    name = query.get("window", next(iter(windows)))
    if name not in windows:
        raise BadQuery(f"unknown window {name!r}; configured: {', '.join(windows)}")
    label = (query.get("label") or "").upper() or None
    if label is not None and not _LABEL.match(label):
        raise BadQuery("'label' must be an entity label such as PERSON, ORG, GPE")
    try:
        limit = int(query.get("limit", 20))
    except ValueError:
        raise BadQuery("'limit' must be a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"'limit' must be between 1 and {MAX_LIMIT}")
    at = _parse_at(query["at"]) if query.get("at") else None
    return {"window": windows[name], "label": label, "limit": limit, "at": at,
            "local": query.get("scope") == "local"}


def install(app: faust.App, settings: Settings) -> None:
    """Add the trending tables, agent, timer and views to ``app``."""
    windows = {w.name: w for w in trending.parse_windows(settings.trending_windows)}
    steps = sorted({w.step for w in windows.values()})
    retention = trending.parse_duration(settings.trending_retention)
    entity_topic = app.topic(ENTITIES.name(settings.topic_prefix), key_type=bytes, value_type=bytes)
    buckets = app.Table("trending-buckets", key_type=str)
    recent = app.Table("entity-recent", key_type=str)

    latest: list[float] = []  # the latest event time counted here, read from the table once

    @app.agent(entity_topic)
    async def count_entities(stream):
        async for event in stream.events():
            message = orjson.loads(event.value)
            key = message["normalized"]
            at = trending.event_time(message, event.message.timestamp)
            offset = event.message.offset
            if not latest:
                latest.append(trending.latest_event(buckets.items()) or at)
            if trending.too_late(at, latest[0], retention):
                metrics.TRENDING_LATE.inc()
                continue
            latest[0] = max(latest[0], at)
            for step in steps:
                start = int(at) // step * step
                bucket_key = trending.bucket_key(step, start, key)
                bucket = buckets.get(bucket_key)
                if not trending.counted(bucket, offset):
                    buckets[bucket_key] = trending.add_mention(bucket, message, at, offset)
            recent[key] = _with_article(recent.get(key), message, at)

    @app.timer(EXPIRE_INTERVAL_SECONDS)
    async def expire_buckets():
        latest = trending.latest_event(buckets.items())
        if latest is None:
            return
        for key in [k for k in buckets.keys() if trending.expired(k, latest, retention)]:
            del buckets[key]

    @app.page("/trending")
    async def trending_view(web, request):
        try:
            query = parse_query(request.query, windows)
        except BadQuery as exc:
            return web.json({"error": str(exc)}, status=400)
        items = list(buckets.items())
        at = query["at"] or trending.latest_event(items)
        rows = [] if at is None else trending.top(
            items, query["window"], at, query["label"], query["limit"]
        )
        if not query["local"]:
            rows = await _merge_peers(app, buckets, request, rows, query["limit"], at)
        start, end = query["window"].span(at) if at is not None else (None, None)
        return web.json({
            "window": query["window"].name,
            "kind": query["window"].kind,
            "start": _iso(start) if start is not None else None,
            "end": _iso(end) if end is not None else None,
            "label": query["label"],
            "ranked_by": "stories",  # copies of one story count once; "articles": every copy
            "entities": rows,
        })

    @app.page("/entities/{name}")
    @_looked_up(aliases.load(settings.aliases or None))
    @app.table_route(table=recent, match_info="name")
    async def entity_view(web, request, name):
        if len(name) > _NAME_MAX:
            return web.json({"error": "entity name too long"}, status=400)
        entry = recent.get(name)
        if entry is None:
            return web.json({"error": f"no entity {name!r}"}, status=404)
        return web.json(entry)


def _looked_up(table: aliases.Aliases):
    """The view with ``name`` made the key it means (trending.entity_lookup) before faust
    routes it to the worker owning that key: /entities/london finds London."""
    def decorate(view):
        @functools.wraps(view)
        async def looked_up(web, request, *args, **kwargs):
            if len(request.match_info["name"]) <= _NAME_MAX:
                request.match_info["name"] = trending.entity_lookup(request.match_info["name"], table)
                kwargs["name"] = request.match_info["name"]
            return await view(web, request, *args, **kwargs)
        return looked_up
    return decorate


def _with_article(entry: dict | None, message: dict, at: float) -> dict:
    """The entity's latest articles (newest first, bounded) after one more."""
    entry = dict(entry) if entry else {"name": message["name"], "label": message["label"],
                                       "role": None, "articles": []}
    entry["role"] = message.get("role") or entry["role"]
    article = {
        "article_id": message["article_id"], "title": message["title"],
        "published": message["published"], "seen": at, "count": message["count"],
        "quotes": message["quotes"],
    }
    others = [a for a in entry["articles"] if a["article_id"] != message["article_id"]]
    entry["articles"] = sorted([article, *others], key=lambda a: -a["seen"])[:RECENT_ARTICLES]
    return entry


async def _merge_peers(
    app: faust.App, table, request, rows: list[dict], limit: int, at: float | None
) -> list[dict]:
    """Rows from the other workers holding trending partitions, merged with ours (asked
    for the same window: ours, unless the request named one)."""
    own = str(app.conf.canonical_url).rstrip("/")
    try:
        hosts = [str(h).rstrip("/") for h in app.router.table_metadata(table.name)]
    except Exception:  # noqa: BLE001 - no assignment yet: answer with what we have
        hosts = []
    peers = [h for h in hosts if h != own]
    if not peers:
        return rows
    query = {**request.query, "scope": "local"}
    if at is not None:
        query["at"] = str(at)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PEER_TIMEOUT_SECONDS)) as http:
        async def fetch(host: str) -> list[dict]:
            try:
                async with http.get(f"{host}/trending", params=query) as response:
                    return (await response.json())["entities"]
            except (aiohttp.ClientError, asyncio.TimeoutError, KeyError) as exc:
                log.warning("trending: peer %s did not answer: %s", host, exc)
                return []
        for peer_rows in await asyncio.gather(*(fetch(h) for h in peers)):
            rows = rows + peer_rows
    rows.sort(key=trending.ranking)
    return rows[:limit]
