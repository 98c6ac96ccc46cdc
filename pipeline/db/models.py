"""SQLAlchemy 2 models: the schema Newsmill stores articles in (changed only through Alembic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Text,
    func,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic revisions can refer to (and drop) them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONB,
        list[dict[str, Any]]: JSONB,
        list[str]: ARRAY(Text),
        str: Text,
    }


class Source(Base):
    """A publisher Newsmill crawls; rows appear the first time an article of it is stored."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    config: Mapped[dict[str, Any]] = mapped_column(server_default=sql_text("'{}'::jsonb"))
    created: Mapped[datetime] = mapped_column(server_default=func.now())


# Near-duplicate candidates share a 16-bit quarter of the SimHash. The indexes below and the
# writer's candidate query (pipeline/db/batch.py) both spell a quarter with this function:
# the planner uses an expression index only for the very same expression.
SIMHASH_QUARTER_SHIFTS = (48, 32, 16, 0)


def simhash_quarter(column: str, shift: int) -> str:
    """SQL for the 16-bit quarter of ``column`` that starts ``shift`` bits up."""
    return f"({column} >> {shift}) & 65535" if shift else f"{column} & 65535"


# Index name -> the quarter it indexes.
SIMHASH_QUARTERS = {
    f"ix_articles_simhash_q{number}": simhash_quarter("simhash", shift)
    for number, shift in enumerate(SIMHASH_QUARTER_SHIFTS)
}


class Article(Base):
    """One article, stored once.

    Both ``canonical_url`` and ``content_hash`` are unique: the database, not the crawler,
    decides that a page is a re-crawl (same canonical URL) or the same text under another
    URL (same content hash). Every URL seen for an article is in ``article_urls``.
    """

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published", "published"),
        Index("ix_articles_source_id", "source_id"),
        Index("ix_articles_near_duplicate_of", "near_duplicate_of"),
        Index("ix_articles_story_id", "story_id"),
        # Near-duplicate candidates' keys (migration 0003): a SimHash quarter or the headline
        # (md5: a title can be longer than a btree entry; first_seen: recurring headlines).
        *(Index(name, sql_text(f"({expr})")) for name, expr in SIMHASH_QUARTERS.items()),
        Index("ix_articles_title_md5", sql_text("md5(lower(title))"), "first_seen"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("sources.id", ondelete="SET NULL")
    )
    url: Mapped[str]
    canonical_url: Mapped[str] = mapped_column(unique=True)
    content_hash: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str | None]
    text: Mapped[str] = mapped_column(server_default="")
    html: Mapped[str] = mapped_column(server_default="")
    lead: Mapped[str | None]
    authors: Mapped[list[str]] = mapped_column(server_default=sql_text("'{}'::text[]"))
    published: Mapped[datetime | None]
    modified: Mapped[datetime | None]
    language: Mapped[str | None]
    # [{"src": ..., "caption": ..., "alt": ...}]
    images: Mapped[list[dict[str, Any]]] = mapped_column(server_default=sql_text("'[]'::jsonb"))
    categories: Mapped[list[str]] = mapped_column(server_default=sql_text("'{}'::text[]"))
    tags: Mapped[list[str]] = mapped_column(server_default=sql_text("'{}'::text[]"))
    source_name: Mapped[str | None]
    simhash: Mapped[int | None] = mapped_column(BigInteger)  # signed 64-bit SimHash
    # The earlier article this one nearly repeats (a syndicated copy with its own edits).
    near_duplicate_of: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="SET NULL")
    )
    # The story (near copies across sources) this article belongs to, and the MinHash
    # signature that placed it there (pipeline.dedup.minhash; its band keys are story_bands).
    story_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("stories.id", ondelete="SET NULL")
    )
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    word_count: Mapped[int] = mapped_column(Integer, server_default="0")
    first_seen: Mapped[datetime] = mapped_column(server_default=func.now())
    last_seen: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Fetch metadata of the latest fetch, for conditional re-crawls.
    http_status: Mapped[int | None] = mapped_column(SmallInteger)
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]  # the header as sent; servers' formats vary
    fetched_at: Mapped[datetime | None]

    urls: Mapped[list[ArticleUrl]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )


class ArticleUrl(Base):
    """Every URL (raw, canonical, alias) under which an article was seen."""

    __tablename__ = "article_urls"
    __table_args__ = (Index("ix_article_urls_article_id", "article_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    url: Mapped[str] = mapped_column(unique=True)
    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE")
    )
    first_seen: Mapped[datetime] = mapped_column(server_default=func.now())

    article: Mapped[Article] = relationship(back_populates="urls")


class CrawlRun(Base):
    """One spider run: when, of what, how it ended, and its final Scrapy stats."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_started_at", "started_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    spider: Mapped[str]
    source: Mapped[str | None]
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(server_default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(server_default=sql_text("'{}'::jsonb"))


class Story(Base):
    """Articles that are near copies of one another, across sources: one story."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    created: Mapped[datetime] = mapped_column(server_default=func.now())


class StoryBand(Base):
    """One LSH band key of an article's MinHash: near copies share at least one."""

    __tablename__ = "story_bands"
    __table_args__ = (
        # band_key first: a candidate lookup is `band_key = ANY(keys)` on this index.
        PrimaryKeyConstraint("band_key", "article_id"),
        Index("ix_story_bands_article_id", "article_id"),
    )

    band_key: Mapped[int] = mapped_column(BigInteger)
    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE")
    )


class Sighting(Base):
    """An article's text seen under a URL: who ran it, under what title, when."""

    __tablename__ = "sightings"
    __table_args__ = (Index("ix_sightings_article_id", "article_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE")
    )
    source_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("sources.id", ondelete="SET NULL")
    )
    url: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str | None]
    published: Mapped[datetime | None]
    first_seen: Mapped[datetime] = mapped_column(server_default=func.now())


class ArticleVersion(Base):
    """A previous text of an article, kept when a recheck found the text changed."""

    __tablename__ = "article_versions"
    __table_args__ = (Index("ix_article_versions_article_id", "article_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE")
    )
    title: Mapped[str | None]
    text: Mapped[str]
    modified: Mapped[datetime | None]
    content_hash: Mapped[str]
    valid_from: Mapped[datetime]  # when this text was first stored
    replaced_at: Mapped[datetime] = mapped_column(server_default=func.now())
    words_added: Mapped[int] = mapped_column(Integer, server_default="0")
    words_removed: Mapped[int] = mapped_column(Integer, server_default="0")
