"""The archive's tables, for queries and writes (SQLAlchemy Core). The migrations in
``migrations/versions`` create them; ``tests/unit/archive/test_schema.py`` checks the two
agree.

Every row of an article's content carries the article's ``revision``: a newer revision
(``heads`` holds the newest seen per article) replaces the rows of older ones. ``dated``
is the article's publish date, or the day its record was written when it has none: what
search ranges and retention go by.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Short strings are bounded: names and keys are cut at NAME_CHARS by rows.py.
NAME_CHARS = 300
ID_CHARS = 64
TOPIC_CHARS = 255

# Where each partition of each archived topic is: the next offset to archive. Written in
# the same transaction as the rows it covers; the sink seeks here on assignment.
offsets = sa.Table(
    "archive_offsets", metadata,
    sa.Column("topic", sa.String(TOPIC_CHARS), primary_key=True),
    sa.Column("partition", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("next_offset", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

heads = sa.Table(
    "article_heads", metadata,
    sa.Column("article_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("dated", sa.Date, nullable=False, index=True),
)

articles = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("source", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("dated", sa.Date, nullable=False, index=True),
    sa.Column("language", sa.String(16)),
    sa.Column("word_count", sa.Integer),
    sa.Column("document", sa.JSON, nullable=False),  # the enriched message as it came
    sa.Column("archived_at", sa.Float, nullable=False),
)

# Every enriched message archived, one row each (never updated): an article's revisions
# (the newest one's document is in articles; the record at topic/partition/offset keeps
# each), and the audit's count of what was archived.
article_versions = sa.Table(
    "article_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(ID_CHARS), nullable=False, index=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("dated", sa.Date, nullable=False, index=True),
    sa.Column("topic", sa.String(TOPIC_CHARS), nullable=False),
    sa.Column("partition", sa.Integer, nullable=False),
    sa.Column("offset", sa.BigInteger, nullable=False),
    sa.Column("archived_at", sa.Float, nullable=False),
)

quotes = sa.Table(
    "quotes", metadata,
    # A row id of its own: SQLite's full-text table (quotes_fts) refers to it.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(ID_CHARS), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("speaker", sa.String(NAME_CHARS)),
    sa.Column("speaker_key", sa.String(NAME_CHARS)),  # casefolded canonical name
    sa.Column("speaker_role", sa.String(NAME_CHARS)),
    sa.Column("via", sa.String(NAME_CHARS)),
    sa.Column("via_key", sa.String(NAME_CHARS)),
    sa.Column("cue", sa.String(NAME_CHARS)),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("published", sa.Date),
    sa.Column("dated", sa.Date, nullable=False),
    sa.Column("archived_at", sa.Float, nullable=False),
    sa.UniqueConstraint("article_id", "idx", name="uq_quotes_article_idx"),
    sa.Index("ix_quotes_speaker_dated", "speaker_key", "dated"),
    sa.Index("ix_quotes_via_dated", "via_key", "dated"),
    sa.Index("ix_quotes_dated", "dated"),
)

# One canonical entity of one article (an entity message).
entities = sa.Table(
    "entities", metadata,
    sa.Column("article_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("key", sa.String(NAME_CHARS), primary_key=True),  # casefolded normalized name
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("name", sa.String(NAME_CHARS), nullable=False),
    sa.Column("label", sa.String(32), nullable=False),
    sa.Column("role", sa.String(NAME_CHARS)),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("salience", sa.Float, nullable=False),
    sa.Column("co_occurring", sa.JSON, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("published", sa.Date),
    sa.Column("dated", sa.Date, nullable=False),
    sa.Column("archived_at", sa.Float, nullable=False),
    sa.Index("ix_entities_key_dated", "key", "dated"),
    sa.Index("ix_entities_dated", "dated"),
)

# Where each entity is mentioned in its article's body: what `about` joins quotes on (a
# quote is about an entity when a mention lies inside it).
mentions = sa.Table(
    "mentions", metadata,
    sa.Column("article_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("key", sa.String(NAME_CHARS), primary_key=True),
    sa.Column("start", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Index("ix_mentions_key_article", "key", "article_id", "start"),
)

# One event of the stories topic: a story founded (kind "founded", article_id = story_id)
# or a copy joining it. An article is announced once, so (story_id, article_id) is the
# natural key a repeated message upserts. Its offset orders a story's copies (the topic
# is keyed by story id: a story's events are on one partition).
stories = sa.Table(
    "stories", metadata,
    sa.Column("story_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("article_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("copies", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("event_time", sa.Float),
    sa.Column("dated", sa.Date, nullable=False, index=True),
    sa.Column("topic", sa.String(TOPIC_CHARS), nullable=False),
    sa.Column("partition", sa.Integer, nullable=False),
    sa.Column("offset", sa.BigInteger, nullable=False),
    sa.Column("archived_at", sa.Float, nullable=False),
    sa.Index("ix_stories_article", "article_id"),
)

# A message that was no valid message of its topic: skipped, with where it was and why.
rejected = sa.Table(
    "rejected", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("topic", sa.String(TOPIC_CHARS), nullable=False),
    sa.Column("partition", sa.Integer, nullable=False),
    sa.Column("offset", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("preview", sa.Text, nullable=False),
    sa.Column("rejected_at", sa.Float, nullable=False),
)

# SQLite only: the FTS5 index of quotes.text (external content, rowid = quotes.id), made
# and kept by the migration's triggers; not in ``metadata`` since no CREATE TABLE makes it.
quotes_fts = sa.Table("quotes_fts", sa.MetaData(), sa.Column("rowid", sa.Integer),
                      sa.Column("text", sa.Text))

# What makes a row of each table one: a later row with the same values replaces it.
IDENTITY = {
    "articles": ("id",),
    "article_versions": ("topic", "partition", "offset"),
    "quotes": ("article_id", "idx"),
    "entities": ("article_id", "key"),
    "mentions": ("article_id", "key", "start"),
    "stories": ("story_id", "article_id"),
}
# Tables that log every message, whatever its revision
LOG = ("article_versions",)
# Rows of an article's content, deleted when a newer revision arrives or retention ends.
CONTENT = (quotes, entities, mentions)
# Tables counted in newsflow_archive_rows
COUNTED = (articles, article_versions, quotes, entities, mentions, stories, rejected)
