"""`newsflow search`: the archive's search from the terminal, the same questions and
answers as its HTTP API (archive/queries.py), read straight from the archive database:
`search quotes --speaker "Dmitry Peskov" --about Ukraine --since 7d`, `search entity
Ukraine`, `search article ID`, `search story ID`; a table, or the API's JSON with --json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from newsflow.config import Settings, parse_duration
from newsflow.errors import UsageError

HELP = "search the archive: quotes, an entity, an article, a story"


def add_arguments(parser) -> None:
    parser.add_argument("--archive-url", help="NEWSFLOW_ARCHIVE_URL (default: SQLite in the data dir)")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="WHAT")
    quotes = kinds.add_parser("quotes", help="quotes, newest first")
    quotes.add_argument("--speaker", help="who said it (name or alias)")
    quotes.add_argument("--about", help="an entity mentioned in the quote (name or alias)")
    quotes.add_argument("--text", dest="q", help="full-text: words the quote contains")
    quotes.add_argument("--via", help="the outlet that relayed it")
    quotes.add_argument("--type", choices=["direct", "indirect", "mixed"])
    quotes.add_argument("--story", help="a story id: quotes of its founder and its copies")
    quotes.add_argument("--since", help="dated within this long, e.g. 7d, 24h")
    quotes.add_argument("--from", dest="from_", metavar="YYYY-MM-DD")
    quotes.add_argument("--to", metavar="YYYY-MM-DD")
    quotes.add_argument("--page", default="1")
    quotes.add_argument("--limit", dest="per_page", default="20", help="per page (at most 100)")
    entity = kinds.add_parser("entity", help="an entity: mentions over time, with whom, who is quoted about it")
    entity.add_argument("name")
    entity.add_argument("--since", help="e.g. 30d")
    article = kinds.add_parser("article", help="an article with its revisions")
    article.add_argument("id")
    story = kinds.add_parser("story", help="a story: its founder, its copies in order, its outlets")
    story.add_argument("id")
    for kind in (quotes, entity, article, story):
        kind.add_argument("--json", action="store_true", help="print the API's JSON")


def _since(text: str | None) -> str | None:
    if not text:
        return None
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"--since: {exc}") from None
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=seconds)).date().isoformat()


def run(settings: Settings, args) -> int:
    from newsflow.archive import database, queries
    from newsflow.core.entities import aliases as alias_table

    where = database.url(settings)
    if where.get_backend_name() == "sqlite" and not Path(where.database or "").exists():
        raise UsageError(f"no archive at {where.database}: run `newsflow archive` first "
                         f"(or set NEWSFLOW_ARCHIVE_URL)")
    engine = database.open_archive(settings)
    aliases = alias_table.load(settings.aliases or None)
    try:
        with engine.connect() as connection:
            if args.kind == "quotes":
                params = {name: value for name, value in {
                    "speaker": args.speaker, "about": args.about, "q": args.q, "via": args.via,
                    "type": args.type, "story": args.story, "from": args.from_ or _since(args.since), "to": args.to,
                    "page": args.page, "per_page": args.per_page}.items() if value is not None}
                answer = queries.quotes(connection, queries.QuoteQuery.of(params), aliases)
                shown = quote_table(answer)
            elif args.kind == "entity":
                answer = queries.entity(connection, args.name,
                                        queries.Range.of({"from": _since(args.since)}), aliases)
                shown = entity_table(answer) if answer else f"no entity {args.name!r} in the archive"
            elif args.kind == "story":
                answer = queries.story(connection, args.id)
                shown = story_table(answer) if answer else f"no story {args.id!r} in the archive"
            else:
                answer = queries.article(connection, args.id)
                shown = article_table(answer) if answer else f"no article {args.id!r} in the archive"
    except queries.BadQuery as exc:
        raise UsageError(str(exc)) from None
    finally:
        engine.dispose()
    print(json.dumps(answer, default=str) if args.json else shown)
    return 0 if answer else 1


def quote_table(answer: dict) -> str:
    lines = [f"{'date':10} {'speaker':24} {'type':8} quote"]
    for quote in answer["quotes"]:
        speaker = (quote["speaker"] or {}).get("name") or "?"
        via = f" (via {quote['via']})" if quote["via"] else ""
        text = " ".join(quote["text"].split())
        lines.append(f"{quote['date']:10} {speaker[:24]:24} {quote['type']:8} "
                     f"{text[:100]}{'…' if len(text) > 100 else ''}{via}")
    if not answer["quotes"]:
        lines.append("(no quotes)")
    elif answer["has_more"]:
        lines.append(f"... more: --page {answer['page'] + 1}")
    return "\n".join(lines)


def entity_table(answer: dict) -> str:
    lines = [f"{answer['name']} ({answer['label']}): {answer['articles']} articles, "
             f"{answer['mentions']} mentions, {answer['first']} .. {answer['last']}, "
             f"{answer['quotes_by']} quotes by it",
             "over time: " + ", ".join(f"{d['date']} {d['articles']}" for d in answer["over_time"][-14:]),
             "with: " + ", ".join(f"{c['name']} ({c['articles']})" for c in answer["co_occurring"][:10]),
             "quoted about it: " + (", ".join(f"{q['speaker']} ({q['quotes']})"
                                              for q in answer["quoted_about"][:10]) or "nobody")]
    return "\n".join(lines)


def article_table(answer: dict) -> str:
    article = answer["article"]
    lines = [f"{article['id']}  revision {answer['revision']}  {article.get('published') or ''}",
             article.get("title", ""), article.get("url") or "",
             f"{len(article.get('quotes', []))} quotes, "
             f"{len(article.get('canonical_entities', []))} entities",
             "revisions: " + ", ".join(f"{v['revision']} (offset {v['offset']})"
                                       for v in answer["revisions"])]
    story = answer.get("story")
    if story:
        lines.append(f"story {story['id']}: {story['copies']} copies"
                     + "".join(f"\n  {o['outlet'] or '?'}  {o['url'] or o['article_id']}"
                               for o in story["others"]))
    return "\n".join(line for line in lines if line)


def story_table(answer: dict) -> str:
    lines = [f"story {answer['id']}: {answer['count']} copies, outlets: "
             f"{', '.join(answer['outlets']) or '?'}", answer["title"],
             f"{'#':>3} {'kind':7} {'published':10} {'outlet':24} url"]
    members = ([answer["founder"]] if answer["founder"] else []) + answer["copies"]
    for number, member in enumerate(members, 1):
        lines.append(f"{number:>3} {member['kind']:7} {member['published'] or '':10} "
                     f"{(member['outlet'] or '?')[:24]:24} {member['url'] or member['article_id']}")
    if answer["truncated"]:
        lines.append(f"... and {answer['count'] - len(members)} more (the first listed only)")
    return "\n".join(lines)
