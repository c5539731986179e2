"""The stories topic's events (schema.stories): each story founded and each copy joining it.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("story_id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("event_time", sa.Float(), nullable=True),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("archived_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("story_id", "article_id"),
    )
    op.create_index("ix_stories_article", "stories", ["article_id"])
    op.create_index("ix_stories_dated", "stories", ["dated"])


def downgrade() -> None:
    op.drop_index("ix_stories_dated", table_name="stories")
    op.drop_index("ix_stories_article", table_name="stories")
    op.drop_table("stories")
