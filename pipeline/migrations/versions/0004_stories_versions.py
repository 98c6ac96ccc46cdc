"""stories, sightings and article versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:40:00

Every article belongs to a story (a cluster of near copies across sources); a story is found
by MinHash LSH band keys (story_bands: 64-bit hashes, one btree lookup per text at any table
size). Sightings record every (source, URL, title, published) an article's text was seen
under, so an exact copy from another site keeps its own title and date. When a recheck finds
changed text, the previous text, title and modified time go to article_versions.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "created", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    op.add_column("articles", sa.Column("story_id", sa.BigInteger(), nullable=True))
    op.add_column("articles", sa.Column("minhash", sa.LargeBinary(), nullable=True))
    op.create_foreign_key(
        op.f("fk_articles_story_id_stories"),
        "articles",
        "stories",
        ["story_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_articles_story_id", "articles", ["story_id"], unique=False)
    op.create_table(
        "story_bands",
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_bands_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band_key", "article_id", name=op.f("pk_story_bands")),
    )
    op.create_index("ix_story_bands_article_id", "story_bands", ["article_id"], unique=False)
    op.create_table(
        "sightings",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "first_seen",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_sightings_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_sightings_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sightings")),
        sa.UniqueConstraint("url", name=op.f("uq_sightings_url")),
    )
    op.create_index("ix_sightings_article_id", "sightings", ["article_id"], unique=False)
    op.create_table(
        "article_versions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "replaced_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("words_added", sa.Integer(), server_default="0", nullable=False),
        sa.Column("words_removed", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_versions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_versions")),
    )
    op.create_index(
        "ix_article_versions_article_id", "article_versions", ["article_id", "id"], unique=False
    )
    # Existing articles: each is a story of its own until a copy of it arrives; their URLs
    # are their first sightings.
    op.execute(
        """
        WITH numbered AS (
            SELECT id AS article_id, nextval(pg_get_serial_sequence('stories', 'id')) AS story
            FROM articles
        ), made AS (
            INSERT INTO stories (id, created)
            SELECT n.story, a.first_seen FROM numbered n JOIN articles a ON a.id = n.article_id
        )
        UPDATE articles a SET story_id = n.story FROM numbered n WHERE a.id = n.article_id
        """
    )
    op.execute(
        """
        INSERT INTO sightings (article_id, source_id, url, title, published, first_seen)
        SELECT id, source_id, url, title, published, first_seen FROM articles
        ON CONFLICT (url) DO NOTHING
        """
    )


def downgrade() -> None:
    op.drop_index("ix_article_versions_article_id", table_name="article_versions")
    op.drop_table("article_versions")
    op.drop_index("ix_sightings_article_id", table_name="sightings")
    op.drop_table("sightings")
    op.drop_index("ix_story_bands_article_id", table_name="story_bands")
    op.drop_table("story_bands")
    op.drop_index("ix_articles_story_id", table_name="articles")
    op.drop_constraint(op.f("fk_articles_story_id_stories"), "articles", type_="foreignkey")
    op.drop_column("articles", "minhash")
    op.drop_column("articles", "story_id")
    op.drop_table("stories")
