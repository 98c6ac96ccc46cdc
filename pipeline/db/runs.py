"""crawl_runs: one row per spider run, opened at start and closed with the final stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from pipeline.db.models import CrawlRun


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    spider: str
    source: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    stats: dict[str, Any]

    @property
    def duration_seconds(self) -> float | None:
        """Spider open to close, as Scrapy measured it: the time the crawl summary printed."""
        elapsed = self.stats.get("elapsed_time_seconds")
        if isinstance(elapsed, (int, float)):
            return float(elapsed)
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def start_run(engine: Engine, spider: str, source: str | None) -> int:
    """Record that ``spider`` started; returns the run id for ``finish_run``."""
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(CrawlRun).values(spider=spider, source=source).returning(CrawlRun.id)
        ).scalar_one()
    return int(run_id)


def finish_run(engine: Engine, run_id: int, status: str, stats: dict[str, Any]) -> None:
    """Close run ``run_id`` with its end status and final stats (JSON-ready values)."""
    with engine.begin() as conn:
        conn.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(finished_at=func.now(), status=status, stats=stats)
        )


# How a run that ended normally, or has not ended, is recorded; anything else failed
# (died, shutdown, a closespider_* limit, an exception in Scrapy).
RUNNING, FINISHED, SKIPPED, DIED = "running", "finished", "skipped", "died"


def close_dead_runs(engine: Engine, source: str, *, before: datetime) -> int:
    """Mark runs of ``source`` started before ``before`` and still ``running`` as ``died``.

    Only the holder of the source's crawl lock may call this: while it holds the lock no
    other crawl of the source is alive, so such a row belongs to a killed process.
    """
    with engine.begin() as conn:
        result = conn.execute(
            update(CrawlRun)
            .where(
                CrawlRun.source == source,
                CrawlRun.status == RUNNING,
                CrawlRun.started_at < before,
            )
            .values(status=DIED)
        )
    return int(result.rowcount or 0)


def recent_runs(
    engine: Engine,
    limit: int = 20,
    *,
    source: str | None = None,
    failed: bool = False,
    judged: bool = False,
) -> list[RunSummary]:
    """The latest runs, newest first.

    ``failed``: only runs that ended otherwise than finished or skipped; ``judged``: only
    runs that ended and fetched (not running, not skipped), as health compares them.
    """
    table = CrawlRun.__table__
    query = select(table).order_by(table.c.started_at.desc(), table.c.id.desc()).limit(limit)
    if source is not None:
        query = query.where(table.c.source == source)
    if failed:
        query = query.where(table.c.status.not_in((RUNNING, FINISHED, SKIPPED)))
    if judged:
        query = query.where(table.c.status.not_in((RUNNING, SKIPPED)))
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        RunSummary(
            id=row["id"],
            spider=row["spider"],
            source=row["source"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            status=row["status"],
            stats=dict(row["stats"] or {}),
        )
        for row in rows
    ]


def last_starts(engine: Engine) -> dict[str, datetime]:
    """When each source's latest run started (skipped ones included: they were attempts)."""
    table = CrawlRun.__table__
    query = (
        select(table.c.source, func.max(table.c.started_at))
        .where(table.c.source.is_not(None))
        .group_by(table.c.source)
    )
    with engine.connect() as conn:
        return {source: started for source, started in conn.execute(query)}


def run_sources(engine: Engine) -> list[str]:
    """Every source that has a recorded run, by name."""
    table = CrawlRun.__table__
    query = select(table.c.source).where(table.c.source.is_not(None)).distinct()
    with engine.connect() as conn:
        return sorted(conn.execute(query).scalars())
