"""SQLAlchemy model of the incremental crawl state: one row per article URL a spider fetched.

Index pages (feeds, sitemaps, sections) never get a row: they are fetched on every run.
A row says when the URL was last fetched, with what status and validators (ETag/Last-Modified),
and whether the page was stored as an article (and its publication time); when it is next due
follows from these and the current recheck settings (pipeline.crawlstate.policy.due_at).
``claimed_by``/``claimed_at`` let concurrent crawls (other processes or nodes) share one
frontier: a URL is fetched by whichever run claims it first. ``parked`` holds claimed URLs a
run could not keep in memory yet, so a million-URL frontier lives here, not in the crawler.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, SmallInteger, String, func
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.db.models import Base


class CrawlStateRow(Base):
    """One article URL's fetch history and claim (the repository: pipeline.crawlstate.repository)."""

    __tablename__ = "crawl_state"
    # Finds a source's recent stored articles for rechecks without a table scan.
    __table_args__ = (
        Index("ix_crawl_state_source_published", "source", "published"),
        # A run's parked frontier: small, and read in batches when the scheduler runs dry.
        Index(
            "ix_crawl_state_parked", "claimed_by", postgresql_where=sql_text("parked IS NOT NULL")
        ),
    )

    url: Mapped[str] = mapped_column(primary_key=True)  # the URL as requested
    source: Mapped[str | None]
    first_seen: Mapped[datetime] = mapped_column(server_default=func.now())
    claimed_by: Mapped[str | None] = mapped_column(String(32))  # run id that will fetch it
    claimed_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime | None]
    status: Mapped[int | None] = mapped_column(SmallInteger)  # NULL: network error
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    stored: Mapped[bool] = mapped_column(Boolean, server_default=sql_text("false"))
    published: Mapped[datetime | None]
    drop_reason: Mapped[str | None]
    fetch_count: Mapped[int] = mapped_column(Integer, server_default="0")
    # Claimed but not yet handed to Scrapy (the run's in-memory frontier was full):
    # {"hints": …, "headers": …, "depth": …}; NULL once scheduled.
    parked: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
