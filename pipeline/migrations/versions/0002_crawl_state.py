"""crawl_state: fetch outcome and validators per fetched article URL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_state",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column(
            "first_seen",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.SmallInteger(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("stored", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drop_reason", sa.Text(), nullable=True),
        sa.Column("fetch_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("parked", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_crawl_state")),
    )
    op.create_index(
        "ix_crawl_state_source_published",
        "crawl_state",
        ["source", "published"],
        unique=False,
    )
    op.create_index(
        "ix_crawl_state_parked",
        "crawl_state",
        ["claimed_by"],
        unique=False,
        postgresql_where=sa.text("parked IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_crawl_state_parked",
        table_name="crawl_state",
        postgresql_where=sa.text("parked IS NOT NULL"),
    )
    op.drop_index("ix_crawl_state_source_published", table_name="crawl_state")
    op.drop_table("crawl_state")
