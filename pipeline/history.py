"""Run history: the table `newsmill runs` prints from crawl_runs (figures as in the crawl summary)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from pipeline.db.runs import RunSummary
from pipeline.extensions import summarize
from pipeline.runlock import SKIP_REASON_STAT

HEADER = (
    f"{'id':>5}  {'source':<16} {'started (UTC)':<19}  {'secs':>7}  {'status':<10} "
    f"{'fetched':>7} {'stored':>6} {'updated':>7} {'dups':>5} {'near':>5} {'drops':>5} "
    f"{'errors':>6}  details"
)


def _reasons(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def format_run(run: RunSummary) -> str:
    """One line: when, how long (the summary's own figure), how it ended, what it did."""
    s = summarize(run.stats)
    secs = run.duration_seconds
    details = []
    if run.stats.get(SKIP_REASON_STAT):
        details.append(str(run.stats[SKIP_REASON_STAT]))
    if s["dropped"]:
        details.append("drops: " + _reasons(s["dropped"]))
    if s["errors"]:
        details.append("errors: " + _reasons(s["errors"]))
    return (
        f"{run.id:>5}  {(run.source or run.spider)[:16]:<16} "
        f"{run.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}  "
        f"{'-' if secs is None else f'{secs:.1f}':>7}  {run.status[:10]:<10} "
        f"{s['pages_fetched']:>7} {s['stored']:>6} {s['updated']:>7} "
        f"{s['duplicates_url'] + s['duplicates_content']:>5} {s['near_duplicates']:>5} "
        f"{sum(s['dropped'].values()):>5} {sum(s['errors'].values()):>6}  {'; '.join(details)}"
    ).rstrip()


def format_runs(runs: Sequence[RunSummary]) -> list[str]:
    return [HEADER, *(format_run(run) for run in runs)]
