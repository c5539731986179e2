"""The archive's tables (schema.py), with full-text search on quotes: FTS5 on SQLite,
a GIN index of the English tsvector on PostgreSQL.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# SQLite: an external-content FTS5 table over quotes.text, kept in step by triggers.
SQLITE_FULL_TEXT = (
    "CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content='quotes', content_rowid='id', "
    "tokenize='porter unicode61')",
    "CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN "
    "INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN "
    "INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN "
    "INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO quotes_fts(rowid, text) VALUES (new.id, new.text); END",
)


def full_text(dialect: str) -> None:
    if dialect == "sqlite":
        for statement in SQLITE_FULL_TEXT:
            op.execute(statement)
    elif dialect == "postgresql":
        # queries.py matches the same expression, so the planner uses this index
        op.create_index("ix_quotes_words", "quotes", [sa.text("to_tsvector('english', text)")],
                        postgresql_using="gin")


def upgrade() -> None:
    op.create_table('archive_offsets',
    sa.Column('topic', sa.String(length=255), nullable=False),
    sa.Column('partition', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('next_offset', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('topic', 'partition')
    )
    op.create_table('article_heads',
    sa.Column('article_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('article_id')
    )
    op.create_index('ix_article_heads_dated', 'article_heads', ['dated'])
    op.create_table('article_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('article_id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('archived_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_article_versions_article_id', 'article_versions', ['article_id'])
    op.create_index('ix_article_versions_dated', 'article_versions', ['dated'])
    op.create_table('articles',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('word_count', sa.Integer(), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('archived_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_articles_dated', 'articles', ['dated'])
    op.create_table('entities',
    sa.Column('article_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=300), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('salience', sa.Float(), nullable=False),
    sa.Column('co_occurring', sa.JSON(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('archived_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('article_id', 'key')
    )
    op.create_index('ix_entities_dated', 'entities', ['dated'])
    op.create_index('ix_entities_key_dated', 'entities', ['key', 'dated'])
    op.create_table('mentions',
    sa.Column('article_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('start', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('article_id', 'key', 'start')
    )
    op.create_index('ix_mentions_key_article', 'mentions', ['key', 'article_id', 'start'])
    op.create_table('quotes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('article_id', sa.String(length=64), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=300), nullable=True),
    sa.Column('speaker_key', sa.String(length=300), nullable=True),
    sa.Column('speaker_role', sa.String(length=300), nullable=True),
    sa.Column('via', sa.String(length=300), nullable=True),
    sa.Column('via_key', sa.String(length=300), nullable=True),
    sa.Column('cue', sa.String(length=300), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('archived_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'idx', name='uq_quotes_article_idx')
    )
    op.create_index('ix_quotes_dated', 'quotes', ['dated'])
    op.create_index('ix_quotes_speaker_dated', 'quotes', ['speaker_key', 'dated'])
    op.create_index('ix_quotes_via_dated', 'quotes', ['via_key', 'dated'])
    op.create_table('rejected',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('preview', sa.Text(), nullable=False),
    sa.Column('rejected_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    full_text(op.get_bind().dialect.name)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE quotes_fts")
    for table in ("rejected", "quotes", "mentions", "entities", "articles", "article_versions",
                  "article_heads", "archive_offsets"):
        op.drop_table(table)
