"""Crawl health: a source's latest run judged against its own history; a broken template flagged."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from pipeline.db.runs import RunSummary
from pipeline.demo import write_demo_sources
from pipeline.fixtureweb import FixtureWeb, serve
from pipeline.fixtureweb.exchange import Context, Request, Response
from pipeline.fixtureweb.huxin import HuxinSite
from pipeline.fixtureweb.ledger import LedgerSite
from pipeline.fixtureweb.syndicate import SyndicateSite
from pipeline.health import RunFigures, Thresholds, assess, judge

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "pipeline.cli"]
LIMITS = Thresholds(history_runs=10, min_pages=5, share_rise=0.25, ratio=0.5)


def run_stats(
    *,
    articles: int = 20,
    empty: int = 0,
    short: int = 0,
    no_date: int = 0,
    no_title: int = 0,
    chars: int = 2400,
    found: int = 40,
    requests: int = 50,
    status: dict[int, int] | None = None,
    exceptions: int = 0,
) -> dict[str, Any]:
    """Scrapy stats of a run, as crawl_runs keeps them."""
    stats: dict[str, Any] = {
        "newsmill/health/articles": articles,
        "newsmill/health/short_body": short,
        "newsmill/health/no_date": no_date,
        "newsmill/health/no_title": no_title,
        "newsmill/health/body_chars": articles * chars,
        "newsmill/dropped/no_article": empty,
        "newsmill/feed/entries": found // 2,
        "newsmill/section/links": found - found // 2,
        "downloader/request_count": requests,
        "downloader/exception_count": exceptions,
        "finish_reason": "finished",
    }
    for code, count in (status or {200: requests - 2, 404: 2}).items():
        stats[f"downloader/response_status_count/{code}"] = count
    return stats


HISTORY = [RunFigures.from_stats(run_stats(found=38 + n, chars=2300 + 50 * n)) for n in range(5)]


def test_figures_come_from_the_recorded_stats() -> None:
    figures = RunFigures.from_stats(
        run_stats(articles=10, empty=3, short=2, status={200: 40, 403: 6, 429: 2, 500: 1})
    )
    assert (figures.pages, figures.empty, figures.articles) == (13, 5, 10)
    assert (figures.found, figures.requests, figures.errors, figures.blocked) == (40, 50, 9, 8)
    assert figures.body_chars == 24000


def test_a_run_like_its_history_is_not_flagged() -> None:
    assert judge(RunFigures.from_stats(run_stats(found=45, chars=2500)), HISTORY, LIMITS) == []


@pytest.mark.parametrize(
    ("latest", "reason"),
    [
        # A redesign that moved the body: every article page extracts to nothing.
        (run_stats(articles=0, empty=20), "empty or very short bodies 100% (usually 0%)"),
        (
            run_stats(articles=20, short=12, chars=150),
            "empty or very short bodies 60% (usually 0%)",
        ),
        (run_stats(no_date=15), "articles without a date 75% (usually 0%)"),
        (run_stats(no_title=20), "articles without a title 100% (usually 0%)"),
        (run_stats(found=3), "article links found 3 (usually 40)"),
        (run_stats(chars=600), "average body 600 chars (usually 2,400)"),
        (run_stats(chars=9000), "average body 9,000 chars (usually 2,400)"),
        # Blocked: most answers are 403/429.
        (run_stats(status={200: 10, 403: 30, 429: 10}), "403/429 answers 80% (usually 0%)"),
        (run_stats(status={200: 20, 500: 30}), "error answers 60% (usually 4%)"),
    ],
)
def test_what_a_redesign_or_a_block_looks_like_is_flagged(
    latest: dict[str, Any], reason: str
) -> None:
    assert reason in judge(RunFigures.from_stats(latest), HISTORY, LIMITS)


def test_too_few_pages_are_not_judged_on_shares() -> None:
    # An incremental run that fetched three new pages proves nothing about the template.
    latest = RunFigures.from_stats(run_stats(articles=1, empty=2, found=40, requests=4))
    assert judge(latest, HISTORY, LIMITS) == []
    assert judge(RunFigures.from_stats(run_stats(articles=0, empty=20)), [], LIMITS) == []


def _run(status: str, stats: dict[str, Any], n: int) -> RunSummary:
    started = datetime(2026, 11, 1 + n, tzinfo=UTC)
    return RunSummary(n, "source", "site", started, started, status, stats)


def test_a_latest_run_that_died_is_flagged_and_died_runs_are_no_baseline() -> None:
    runs = [_run("died", {}, 3), _run("finished", run_stats(), 2), _run("finished", run_stats(), 1)]
    verdict = assess("site", runs, LIMITS)
    assert verdict.flagged and verdict.reasons[0] == "latest run ended 'died'"
    # An empty died run among the history does not drag the baseline down.
    ok = assess("site", [_run("finished", run_stats(), 4), *runs], LIMITS)
    assert not ok.flagged and ok.history == 2


def test_a_run_stopped_from_outside_is_neither_judged_nor_a_baseline() -> None:
    # Stopped by SIGTERM after a few pages: few links found, but nothing is wrong with the site.
    stopped = _run("shutdown", run_stats(articles=2, found=3), 3)
    earlier = [_run("finished", run_stats(), 2), _run("finished", run_stats(), 1)]
    verdict = assess("site", [stopped, *earlier], LIMITS)
    assert verdict.latest == earlier[0] and not verdict.flagged and verdict.history == 1
    assert assess(
        "site", [_run("finished", run_stats(found=3), 4), stopped, *earlier], LIMITS
    ).flagged


class BreakableSite:
    """A fixture site whose article template can break, as after a redesign."""

    def __init__(self, site: Any) -> None:
        self.site = site
        self.name = site.name
        self.broken = False

    def handle(self, request: Request, ctx: Context) -> Response:
        response = self.site.handle(request, ctx)
        if self.broken and request.path.startswith("/stories/") and response.status == 200:
            # The new template renders the story in the browser from an API call.
            page = (
                "<!doctype html><html><head><title>Wirehouse</title>"
                '<script src="/static/app.js" defer></script></head>'
                '<body><div id="app" data-story="' + request.path + '"></div>'
                "<noscript>Please enable JavaScript.</noscript></body></html>"
            )
            return Response(status=200, body=page.encode(), content_type="text/html; charset=utf-8")
        return response


@pytest.fixture
def breakable_web() -> Iterator[tuple[FixtureWeb, BreakableSite]]:
    syndicate = BreakableSite(SyndicateSite())
    with serve(sites=[LedgerSite(), HuxinSite(), syndicate]) as web:
        yield web, syndicate


@pytest.mark.slow
def test_health_flags_a_site_whose_template_broke_between_two_runs(
    clean_db: Engine,
    database_env: dict[str, str],
    breakable_web: tuple[FixtureWeb, BreakableSite],
    tmp_path: Path,
) -> None:
    web, syndicate = breakable_web
    write_demo_sources(web, tmp_path)
    env = {**database_env, "NEWSMILL_ALLOW_PRIVATE": "127.0.0.0/8", "NEWSMILL_REDIS_URL": ""}
    # Every run fetches every story again, as a site with new stories each time would.
    crawl = [*NEWSMILL, "crawl", "--source", "syndicate", "-a", f"sources_dir={tmp_path}", "-q"]
    crawl += ["-s", "NEWSMILL_INCREMENTAL=False"]

    def run(*cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)

    for _ in range(2):
        result = run(*crawl)
        assert result.returncode == 0, result.stderr[-3000:]
    healthy = run(*NEWSMILL, "health")
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    line = [row for row in healthy.stdout.splitlines() if row.startswith("syndicate")]
    assert line and line[0].endswith("  ok"), healthy.stdout

    syndicate.broken = True
    result = run(*crawl)
    assert result.returncode == 0, result.stderr[-3000:]
    flagged = run(*NEWSMILL, "health", "--source", "syndicate")
    assert flagged.returncode == 1, flagged.stdout + flagged.stderr
    line = [row for row in flagged.stdout.splitlines() if row.startswith("syndicate")]
    assert line and "FLAGGED" in line[0], flagged.stdout
    assert "empty or very short bodies 100% (usually 0%)" in line[0]

    with clean_db.connect() as conn:
        recorded = conn.execute(
            text("SELECT stats FROM crawl_runs WHERE source = 'syndicate' ORDER BY id")
        ).scalars()
        articles = [stats.get("newsmill/health/articles", 0) for stats in recorded]
    assert articles[0] >= 5 and articles[-1] == 0
