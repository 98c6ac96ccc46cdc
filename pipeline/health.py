"""Crawl health: figures recorded with every run, and each source's latest run judged against
its own history (``newsmill health``), so a site redesign or a block is noticed.

What a broken template or a block looks like, per run, from the stats in ``crawl_runs``:
article pages that extract to an empty or very short body, articles without a date or a
title, fewer article links found by discovery, more error or 403/429 answers, and a changed
average body length. Each is compared with the median of the source's previous runs, never
with a global norm: a site of short news flashes is not flagged for being itself.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from pipeline.db.runs import FINISHED, RunSummary

# Per-run counts the HealthStats extension adds to the Scrapy stats (and so to crawl_runs).
ARTICLES = "newsmill/health/articles"  # articles that came through every stage
SHORT_BODY = "newsmill/health/short_body"
NO_DATE = "newsmill/health/no_date"
NO_TITLE = "newsmill/health/no_title"
BODY_CHARS = "newsmill/health/body_chars"

# Drops that mean "the page was fetched, but its article body is not where we look".
_EMPTY_DROPS = ("newsmill/dropped/no_article", "newsmill/dropped/empty_body")
# Discovery's article links: feed and sitemap entries, links on section pages.
_FOUND = ("newsmill/feed/entries", "newsmill/sitemap/entries", "newsmill/section/links")
_STATUS_PREFIX = "downloader/response_status_count/"
# How a run may end and still be judged and be a baseline (configured limits are no fault).
_NORMAL_ENDS = frozenset({FINISHED, "closespider_pagecount", "closespider_timeout"})
# A run stopped from outside (SIGTERM, Ctrl-C) saw part of the site: neither judged nor a
# baseline, so stopping the scheduler mid-crawl raises no alarm.
_INTERRUPTED = "shutdown"


class HealthStats:
    """Counts what a broken template changes first, for every article that was kept."""

    def __init__(self, crawler: Crawler, short_body_chars: int) -> None:
        self.stats = crawler.stats
        self.short_body_chars = short_body_chars
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("NEWSMILL_HEALTH_SHORT_BODY_CHARS"))

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        article = getattr(item, "article", None)
        if article is None:
            return
        length = len(article.text or "")
        self.stats.inc_value(ARTICLES)
        self.stats.inc_value(BODY_CHARS, length)
        if length < self.short_body_chars:
            self.stats.inc_value(SHORT_BODY)
        if article.published is None:
            self.stats.inc_value(NO_DATE)
        if not (article.title or "").strip():
            self.stats.inc_value(NO_TITLE)


def _count(stats: dict[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


@dataclass(frozen=True, slots=True)
class RunFigures:
    """The health figures of one run, from its recorded stats."""

    articles: int  # kept through every stage
    empty: int  # pages with no article body, and kept articles with a very short one
    pages: int  # article pages that reached extraction: kept + dropped as empty
    no_date: int
    no_title: int
    body_chars: int
    found: int  # article links discovery found
    requests: int
    errors: int  # answers >= 400 and download errors (timeouts, refused connections)
    blocked: int  # 403 and 429 answers

    @classmethod
    def from_stats(cls, stats: dict[str, Any]) -> RunFigures:
        dropped_empty = sum(_count(stats, key) for key in _EMPTY_DROPS)
        articles = _count(stats, ARTICLES)
        statuses = {
            int(key.removeprefix(_STATUS_PREFIX)): _count(stats, key)
            for key in stats
            if key.startswith(_STATUS_PREFIX) and key.removeprefix(_STATUS_PREFIX).isdigit()
        }
        return cls(
            articles=articles,
            empty=dropped_empty + _count(stats, SHORT_BODY),
            pages=articles + dropped_empty,
            no_date=_count(stats, NO_DATE),
            no_title=_count(stats, NO_TITLE),
            body_chars=_count(stats, BODY_CHARS),
            found=sum(_count(stats, key) for key in _FOUND),
            requests=_count(stats, "downloader/request_count"),
            errors=sum(n for status, n in statuses.items() if status >= 400)
            + _count(stats, "downloader/exception_count"),
            blocked=statuses.get(403, 0) + statuses.get(429, 0),
        )


@dataclass(frozen=True, slots=True)
class Thresholds:
    history_runs: int  # previous runs the baseline is the median of
    min_pages: int  # fewer pages (or requests, or articles) than this: not judged
    share_rise: float  # a share rising by this much is flagged
    ratio: float  # a count or length falling below this factor of usual (or above 1/ratio)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Thresholds:
        return cls(
            history_runs=settings.getint("NEWSMILL_HEALTH_HISTORY_RUNS"),
            min_pages=settings.getint("NEWSMILL_HEALTH_MIN_PAGES"),
            share_rise=settings.getfloat("NEWSMILL_HEALTH_SHARE_RISE"),
            ratio=settings.getfloat("NEWSMILL_HEALTH_RATIO"),
        )


# (what is compared, its part of the run, its whole; a share is judged when whole >= min_pages)
_SHARES: tuple[tuple[str, Callable[[RunFigures], int], Callable[[RunFigures], int]], ...] = (
    ("empty or very short bodies", lambda f: f.empty, lambda f: f.pages),
    ("articles without a date", lambda f: f.no_date, lambda f: f.articles),
    ("articles without a title", lambda f: f.no_title, lambda f: f.articles),
    ("error answers", lambda f: f.errors, lambda f: f.requests),
    ("403/429 answers", lambda f: f.blocked, lambda f: f.requests),
)


def judge(latest: RunFigures, history: Sequence[RunFigures], limits: Thresholds) -> list[str]:
    """Why ``latest`` looks unlike the runs in ``history`` (empty: it does not)."""
    reasons: list[str] = []
    for label, part, whole in _SHARES:
        usual = [part(run) / whole(run) for run in history if whole(run) >= limits.min_pages]
        if not usual or whole(latest) < limits.min_pages:
            continue
        share, baseline = part(latest) / whole(latest), statistics.median(usual)
        if share - baseline >= limits.share_rise:
            reasons.append(f"{label} {share:.0%} (usually {baseline:.0%})")

    usual_found = [run.found for run in history if run.found >= limits.min_pages]
    if usual_found:
        baseline = statistics.median(usual_found)
        if latest.found < baseline * limits.ratio:
            reasons.append(f"article links found {latest.found} (usually {baseline:g})")

    usual_length = [r.body_chars / r.articles for r in history if r.articles >= limits.min_pages]
    if usual_length and latest.articles >= limits.min_pages:
        length, baseline = latest.body_chars / latest.articles, statistics.median(usual_length)
        if not baseline * limits.ratio <= length <= baseline / limits.ratio:
            reasons.append(f"average body {length:,.0f} chars (usually {baseline:,.0f})")
    return reasons


@dataclass(frozen=True, slots=True)
class Verdict:
    source: str
    latest: RunSummary | None
    history: int  # earlier runs compared against
    reasons: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def assess(source: str, runs: Sequence[RunSummary], limits: Thresholds) -> Verdict:
    """Judge ``source``'s newest run in ``runs`` (newest first, none running or skipped)."""
    runs = [run for run in runs if run.status != _INTERRUPTED]
    if not runs:
        return Verdict(source, None, 0, ())
    latest, earlier = runs[0], runs[1:]
    history = [RunFigures.from_stats(r.stats) for r in earlier if r.status in _NORMAL_ENDS]
    reasons = []
    if latest.status not in _NORMAL_ENDS:
        reasons.append(f"latest run ended {latest.status!r}")
    reasons += judge(RunFigures.from_stats(latest.stats), history, limits)
    return Verdict(source, latest, len(history), tuple(reasons))


def health_report(engine: Any, settings: BaseSettings, source: str | None) -> list[Verdict]:
    """A verdict per source with recorded runs (or for ``source`` alone)."""
    from pipeline.db.runs import recent_runs, run_sources
    from pipeline.user_errors import NewsmillError

    limits = Thresholds.from_settings(settings)
    names = [source] if source else run_sources(engine)
    verdicts = []
    for name in names:
        runs = recent_runs(engine, limits.history_runs + 1, source=name, judged=True)
        if source and not runs:
            raise NewsmillError(f"no finished runs of source {source!r} recorded yet")
        verdicts.append(assess(name, runs, limits))
    return verdicts


def format_report(verdicts: Sequence[Verdict]) -> list[str]:
    """The table `newsmill health` prints: one line per source, the reasons when flagged."""
    lines = [
        f"{'source':<16} {'latest run (UTC)':<19}  {'status':<10} {'pages':>5} {'found':>5}  health"
    ]
    for v in verdicts:
        if v.latest is None:
            lines.append(f"{v.source[:16]:<16} {'-':<19}  {'-':<10} {'-':>5} {'-':>5}  no runs")
            continue
        figures = RunFigures.from_stats(v.latest.stats)
        if v.flagged:
            health = "FLAGGED: " + "; ".join(v.reasons)
        else:
            health = "ok" if v.history else "ok (no earlier runs to compare with)"
        lines.append(
            f"{v.source[:16]:<16} {v.latest.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}  "
            f"{v.latest.status[:10]:<10} {figures.pages:>5} {figures.found:>5}  {health}"
        )
    return lines
