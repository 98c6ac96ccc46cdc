"""near duplicates: articles.near_duplicate_of and SimHash band indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 00:40:00

The single-column index on simhash answered only exact matches. Near-duplicate candidates
are articles that share a 16-bit quarter of the SimHash (any two hashes within 3 bits share
one, by pigeonhole) or the same headline (copies 4+ bits apart usually keep it), so each
quarter and the headline's md5 (a title can be longer than a btree entry) get an index.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipeline.user_errors import DatabaseUnavailable

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BANDS = {
    "ix_articles_simhash_q0": "(simhash >> 48) & 65535",
    "ix_articles_simhash_q1": "(simhash >> 32) & 65535",
    "ix_articles_simhash_q2": "(simhash >> 16) & 65535",
    "ix_articles_simhash_q3": "simhash & 65535",
}


def upgrade() -> None:
    version = op.get_bind().dialect.server_version_info or (0,)
    if version < (14,):
        # The writer's near-duplicate query needs bit_count(), new in PostgreSQL 14.
        raise DatabaseUnavailable(  # a user-facing error: the CLI prints it in one line
            f"Newsmill needs PostgreSQL 14 or newer; this server is {'.'.join(map(str, version))}"
        )
    op.add_column("articles", sa.Column("near_duplicate_of", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_articles_near_duplicate_of_articles"),
        "articles",
        "articles",
        ["near_duplicate_of"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(
        "ix_articles_near_duplicate_of", "articles", ["near_duplicate_of"], unique=False
    )
    op.drop_index("ix_articles_simhash", table_name="articles")
    for name, expression in BANDS.items():
        op.create_index(name, "articles", [sa.text(f"({expression})")], unique=False)
    # With first_seen: a headline that recurs daily ("Live updates") is looked up by date.
    op.create_index(
        "ix_articles_title_md5",
        "articles",
        [sa.text("md5(lower(title))"), "first_seen"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_articles_title_md5", table_name="articles")
    for name in BANDS:
        op.drop_index(name, table_name="articles")
    op.create_index("ix_articles_simhash", "articles", ["simhash"], unique=False)
    op.drop_index("ix_articles_near_duplicate_of", table_name="articles")
    op.drop_constraint(
        op.f("fk_articles_near_duplicate_of_articles"), "articles", type_="foreignkey"
    )
    op.drop_column("articles", "near_duplicate_of")
