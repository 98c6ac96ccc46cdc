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


def recent_runs(engine: Engine, limit: int = 20) -> list[RunSummary]:
    """The latest runs, newest first."""
    table = CrawlRun.__table__
    query = select(table).order_by(table.c.started_at.desc(), table.c.id.desc()).limit(limit)
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
