"""The archive's HTTP app (aiohttp): /api/quotes, /api/entities/{name}, /api/articles/{id},
/api/stories/{id}, /api/openapi.json, plus /metrics and /healthz. Queries run in threads (SQLAlchemy is
synchronous) and are bounded by queries.py: out-of-range parameters are 400 with the
reason, never 500.

Another part served by this process (the web console, say) adds its routes to the
application ``make_app`` returns; the engine and alias table are in ``app[ARCHIVE]``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import prometheus_client
import sqlalchemy as sa
from aiohttp import web

from newsflow.archive import queries
from newsflow.core.entities.aliases import Aliases


@dataclass(frozen=True, slots=True)
class Archive:
    engine: sa.Engine
    aliases: Aliases


ARCHIVE = web.AppKey("archive", Archive)


def error(status: int, text: str, headers: dict[str, str] | None = None) -> web.Response:
    """A refusal: {"error": why}, with the status (and headers) given."""
    return web.json_response({"error": text}, status=status, headers=headers)


async def run_query(request: web.Request, question, *arguments):
    archive = request.app[ARCHIVE]

    def ask():
        with archive.engine.connect() as connection:
            return question(connection, *arguments)

    return await asyncio.to_thread(ask)


async def get_quotes(request: web.Request) -> web.Response:
    try:
        query = queries.QuoteQuery.of(dict(request.query))
    except queries.BadQuery as exc:
        return error(400, str(exc))
    return web.json_response(await run_query(request, queries.quotes, query,
                                        request.app[ARCHIVE].aliases))


async def _one(request: web.Request, what: str, query, *args) -> web.Response:
    """One archived thing as JSON: 400 for a bad parameter, 404 when it is not there."""
    try:
        found = await run_query(request, query, *args)
    except queries.BadQuery as exc:
        return error(400, str(exc))
    return web.json_response(found) if found else error(404, f"no such {what} in the archive")


async def get_entity(request: web.Request) -> web.Response:
    try:
        dates = queries.Range.of(dict(request.query))
    except queries.BadQuery as exc:
        return error(400, str(exc))
    return await _one(request, "entity", queries.entity, request.match_info["name"], dates,
                      request.app[ARCHIVE].aliases)


async def get_article(request: web.Request) -> web.Response:
    return await _one(request, "article", queries.article, request.match_info["id"])


async def get_story(request: web.Request) -> web.Response:
    return await _one(request, "story", queries.story, request.match_info["id"])


async def get_openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


async def get_metrics(request: web.Request) -> web.Response:
    return web.Response(body=prometheus_client.generate_latest(),
                        content_type="text/plain", charset="utf-8")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def make_app(archive: Archive, api: bool = True) -> web.Application:
    """/metrics and /healthz; with ``api`` the search endpoints too."""
    app = web.Application(client_max_size=64 * 1024)  # read-only: no large bodies
    app[ARCHIVE] = archive
    app.router.add_get("/metrics", get_metrics)
    app.router.add_get("/healthz", healthz)
    if api:
        app.router.add_get("/api/quotes", get_quotes)
        app.router.add_get("/api/entities/{name}", get_entity)
        app.router.add_get("/api/articles/{id}", get_article)
        app.router.add_get("/api/stories/{id}", get_story)
        app.router.add_get("/api/openapi.json", get_openapi)
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def _string(description: str, max_length: int = queries.MAX_TEXT) -> dict:
    return {"type": "string", "maxLength": max_length, "description": description}


_DATE = {"type": "string", "format": "date"}
_DATES = [
    {"name": "from", "in": "query", "schema": _DATE, "description": "first day (article date)"},
    {"name": "to", "in": "query", "schema": _DATE,
     "description": f"last day; at most {queries.MAX_RANGE_DAYS} days after from"},
]
_ERRORS = {"400": {"description": "a parameter out of its bounds: {\"error\": reason}"},
           "404": {"description": "not in the archive"}}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "newsflow archive", "version": "1",
             "description": "Who said what about whom: quotes, entities and articles archived "
                            "exactly once from the newsflow topics."},
    "paths": {
        "/api/quotes": {"get": {
            "summary": "Quotes, newest first, paginated",
            "parameters": [
                {"name": "speaker", "in": "query", "schema": _string(
                    "the speaker's name or an alias of it (exact, case-insensitive)")},
                {"name": "about", "in": "query", "schema": _string(
                    "an entity (name or alias) mentioned inside the quote")},
                {"name": "q", "in": "query", "schema": _string(
                    f"full-text: every word (stemmed), at most {queries.MAX_WORDS} words")},
                {"name": "via", "in": "query", "schema": _string("the relaying outlet")},
                {"name": "type", "in": "query", "schema": {"enum": list(queries.TYPES)}},
                {"name": "story", "in": "query", "schema": _string(
                    "a story id: quotes of its founder and copies", 64)},
                *_DATES,
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {
                    "type": "integer", "minimum": 1, "maximum": queries.MAX_PER_PAGE, "default": 20},
                 "description": f"page * per_page at most {queries.MAX_DEPTH}"},
            ],
            "responses": {"200": {"description": "{quotes: [...], page, per_page, has_more}"},
                          "400": _ERRORS["400"]},
        }},
        "/api/entities/{name}": {"get": {
            "summary": "An entity: mentions over time, co-occurring entities, who is quoted about it",
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "schema": _string("name or alias")}, *_DATES],
            "responses": {"200": {"description": "{name, label, articles, mentions, first, last, "
                                                 "quotes_by, over_time, co_occurring, quoted_about}"},
                          **_ERRORS},
        }},
        "/api/articles/{id}": {"get": {
            "summary": "The archived article (newest revision) with its revisions and its story",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": _string("article id", 64)}],
            "responses": {"200": {"description": "{article, revision, revisions: [...], story: "
                                                 "{id, copies, others: [{article_id, url, outlet}]} "
                                                 "or null}"},
                          **_ERRORS},
        }},
        "/api/stories/{id}": {"get": {
            "summary": "A story: its founder, its copies in the order they joined, its outlets",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": _string("story id (its founder's article id)", 64)}],
            "responses": {"200": {"description": "{id, title, founder, copies: [{article_id, kind, "
                                                 "copies, title, url, outlet, published, event_time, "
                                                 f"offset}}], count, truncated (more than "
                                                 f"{queries.MAX_COPIES} listed), outlets}}"},
                          **_ERRORS},
        }},
        "/api/openapi.json": {"get": {"summary": "This description",
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    },
}
