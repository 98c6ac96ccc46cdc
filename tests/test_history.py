"""Run history: crawl_runs filtered by source and failure, and the `newsmill runs` line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from pipeline.db.runs import RunSummary, close_dead_runs, last_starts, recent_runs
from pipeline.history import format_run


def _insert(engine: Engine, source: str, status: str, minutes_ago: int, stats: str = "{}") -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO crawl_runs (spider, source, started_at, status, stats) VALUES "
                "('source', :source, now() - make_interval(mins => :ago), :status, "
                "CAST(:stats AS jsonb))"
            ),
            {"source": source, "status": status, "ago": minutes_ago, "stats": stats},
        )


def test_runs_by_source_failed_and_judged(clean_db: Engine) -> None:
    _insert(clean_db, "ledger", "finished", 50)
    _insert(clean_db, "ledger", "shutdown", 40)
    _insert(clean_db, "huxin", "died", 30)
    _insert(clean_db, "ledger", "skipped", 20)
    _insert(clean_db, "ledger", "running", 10)
    statuses = [r.status for r in recent_runs(clean_db, 10, source="ledger")]
    assert statuses == ["running", "skipped", "shutdown", "finished"]
    assert [(r.source, r.status) for r in recent_runs(clean_db, 10, failed=True)] == [
        ("huxin", "died"),
        ("ledger", "shutdown"),
    ]
    judged = recent_runs(clean_db, 10, source="ledger", judged=True)
    assert [r.status for r in judged] == ["shutdown", "finished"]
    starts = last_starts(clean_db)
    assert set(starts) == {"ledger", "huxin"} and starts["ledger"] > starts["huxin"]


def test_only_runs_from_before_the_lock_was_taken_are_closed_as_died(clean_db: Engine) -> None:
    _insert(clean_db, "ledger", "running", 10)
    _insert(clean_db, "huxin", "running", 10)
    with clean_db.connect() as conn:
        now = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
    _insert(clean_db, "ledger", "running", 0)  # the lock holder's own run, opened after
    assert close_dead_runs(clean_db, "ledger", before=now) == 1
    statuses = [(r.source, r.status) for r in recent_runs(clean_db, 10)]
    assert sorted(statuses) == [("huxin", "running"), ("ledger", "died"), ("ledger", "running")]


def test_a_run_line_has_the_summary_figures_and_the_reasons() -> None:
    started = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    stats = {
        "elapsed_time_seconds": 12.34,  # what the crawl summary printed
        "response_received_count": 40,
        "newsmill/stored": 7,
        "newsmill/updated": 2,
        "newsmill/duplicates/url": 3,
        "newsmill/duplicates/content": 1,
        "newsmill/duplicates/near": 1,
        "newsmill/dropped/not_html": 2,
        "newsmill/errors/http_4xx": 1,
    }
    # The database clock closed the run a little later than Scrapy's: Scrapy's figure wins.
    run = RunSummary(
        5, "source", "ledger", started, started + timedelta(seconds=14), "finished", stats
    )
    line = format_run(run)
    assert line.split()[:13] == [
        "5", "ledger", "2026-12-01", "09:00:00", "12.3", "finished",
        "40", "7", "2", "4", "1", "2", "1",
    ]  # fmt: skip
    assert line.endswith("drops: not_html 2; errors: http_4xx 1")
    skipped = RunSummary(
        6, "source", "ledger", started, started, "skipped",
        {"newsmill/skip_reason": "source 'ledger' is already being crawled (run 5 …)"},
    )  # fmt: skip
    assert format_run(skipped).endswith("source 'ledger' is already being crawled (run 5 …)")
