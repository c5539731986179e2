"""The audit: did every article that entered come out exactly once?

Reads the raw, enriched and dead-letter topics to their ends with read_committed
consumers (what downstream readers see) and reconciles them: every article id of a
parseable raw message must appear exactly once in enriched ∪ dead letters, and every
unparseable raw message, named by topic/partition/offset, exactly once among the dead
letters by its source. The same article ingested twice unchanged is one article: it must
come out once; changed (a correction, a replay) it must come out once per version, each
enriched revision once. Run it when the worker has caught up; a lagging worker shows as missing articles.
`newsflow audit` (cli/audit.py) prints the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import orjson

from newsflow.config import Settings
from newsflow.core.article import BadArticle, content_fingerprint
from newsflow.core.parse import from_message
from newsflow.kafka.reader import read_topic
from newsflow.topics import messages
from newsflow.topics.registry import DEAD_LETTER, ENRICHED, RAW

SHOWN = 50  # ids listed per problem; the counts are always complete


@dataclass
class Report:
    raw_messages: int = 0
    articles: int = 0  # distinct ids of parseable raw messages
    ingested_again: int = 0  # parseable raw messages whose id came earlier
    unparseable: int = 0
    enriched: int = 0
    dead_letters: int = 0  # from the worker
    missing: list[str] = field(default_factory=list)
    duplicated: dict[str, int] = field(default_factory=dict)  # id -> times it came out
    unexpected: list[str] = field(default_factory=list)  # out, but not from raw

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicated


def source_id(topic: str, partition: int, offset: int) -> str:
    """How an unparseable raw message is named: it has no article id."""
    return f"{topic}/{partition}/{offset}"


async def audit(settings: Settings) -> Report:
    report = Report()
    expected: set[str] = set()
    versions: Counter[str] = Counter()  # how many times each id's content changed
    last: dict[str, str] = {}
    async for record in read_topic(settings, RAW.name(settings.topic_prefix)):
        report.raw_messages += 1
        try:
            article = from_message(record.value or b"", settings.max_bytes)
        except BadArticle:
            report.unparseable += 1
            article_id = source_id(record.topic, record.partition, record.offset)
            versions[article_id] += 1
        else:
            article_id = article.id
            report.ingested_again += article_id in expected
            fingerprint = content_fingerprint(article.title, article.body, article.replay)
            versions[article_id] += last.get(article_id) != fingerprint
            last[article_id] = fingerprint
        expected.add(article_id)
    report.articles = len(expected) - report.unparseable
    out: Counter[str] = Counter()
    revisions: Counter[tuple[str, int]] = Counter()
    async for record in read_topic(settings, ENRICHED.name(settings.topic_prefix)):
        report.enriched += 1
        enriched = orjson.loads(record.value)
        out[enriched["id"]] += 1
        revisions[enriched["id"], messages.revision_of(enriched)] += 1
    async for record in read_topic(settings, DEAD_LETTER.name(settings.topic_prefix)):
        letter = orjson.loads(record.value)
        if letter["stage"] != "worker":
            continue
        report.dead_letters += 1
        source = letter["source"]
        out[letter["article_id"] or source_id(source["topic"], source["partition"],
                                              source["offset"])] += 1
    report.missing = sorted(key for key in expected if out[key] < versions[key])
    doubled = {key for (key, _), n in revisions.items() if n > 1}
    report.duplicated = {key: n for key, n in sorted(out.items()) if key in expected
                         and (n > versions[key] or key in doubled)}
    report.unexpected = sorted(set(out) - expected)
    return report


def render(report: Report) -> str:
    lines = [
        f"raw messages   {report.raw_messages}: {report.articles} articles "
        f"({report.ingested_again} ingested again), {report.unparseable} unparseable",
        f"out            {report.enriched} enriched, {report.dead_letters} dead letters (worker)",
        f"missing        {len(report.missing)}",
        f"duplicated     {len(report.duplicated)}",
        f"unexpected     {len(report.unexpected)} (out, but not in raw: raw retention?)",
    ]
    lines += [f"MISSING {key}" for key in report.missing[:SHOWN]]
    lines += [f"DUPLICATED {key} x{n}" for key, n in list(report.duplicated.items())[:SHOWN]]
    lines += [f"UNEXPECTED {key}" for key in report.unexpected[:SHOWN]]
    return "\n".join(lines)
