"""Incremental crawling: the fetch decisions, claims shared between runs, and repeated crawls."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from pipeline import settings as project_settings
from pipeline.crawlstate.configure import open_crawl_state
from pipeline.crawlstate.policy import (
    ArticleCandidate,
    KnownUrl,
    RecheckPolicy,
    due_at,
    plan_fetch,
)
from pipeline.crawlstate.repository import CrawlStateRepository, ParkedRequest
from pipeline.db.session import normalize_url
from pipeline.dedup.urls import tracking_params
from pipeline.errors import NewsmillError
from pipeline.fixtureweb import FixtureWeb
from pipeline.fixtureweb.manifest import Manifest
from tests.plugins.crawl import run_crawl
from tests.plugins.db import drop_database

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
POLICY = RecheckPolicy(
    recheck_within_days=3,
    recheck_interval_hours=6,
    dropped_recheck_hours=24 * 7,
    gone_recheck_hours=24 * 30,
    claim_ttl_seconds=3600,
)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Crawls with crawl state: the extension that keeps it (named here too, so that a harness
# without Newsmill's add-on still loads it).
INCREMENTAL = {
    "NEWSMILL_INCREMENTAL": True,
    "EXTENSIONS": {"pipeline.crawlstate.extension.CrawlStateExtension": 90},
}


# --- the pure rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "stored", "published", "reason", "expected"),
    [
        (200, True, NOW - DAY, None, NOW - 2 * HOUR + 6 * HOUR),  # recent article: every 6 h
        (200, True, NOW - 10 * DAY, None, None),  # old article: never again
        (304, False, NOW - DAY, None, NOW - 2 * HOUR + 6 * HOUR),  # 304 keeps the schedule
        (None, False, None, None, NOW - 2 * HOUR),  # network error: next run
        (503, False, None, None, NOW - 2 * HOUR),
        (429, False, None, None, NOW - 2 * HOUR),
        (404, False, None, None, NOW - 2 * HOUR + 30 * DAY),
        (200, False, None, "no_article", NOW - 2 * HOUR + 7 * DAY),  # fetched, not an article
        # Fetched, but its fate never recorded (the run died before the article was stored,
        # or the database refused the row): due on the next run, not in a week.
        (200, False, None, None, NOW - 2 * HOUR),
        (200, False, None, "storage_failed", NOW - 2 * HOUR),
    ],
)
def test_due_at(
    status: int | None,
    stored: bool,
    published: datetime | None,
    reason: str | None,
    expected: datetime | None,
) -> None:
    fetched = NOW - 2 * HOUR
    due = due_at(
        fetched,
        status=status,
        stored=stored,
        published=published,
        now=NOW,
        policy=POLICY,
        reason=reason,
    )
    assert due == expected


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("too_large", NOW - 2 * HOUR + 7 * DAY),  # the same page is too large next run too
        ("timeout", NOW - 2 * HOUR),  # a slow server may answer next run
        ("connection", NOW - 2 * HOUR),
        (None, NOW - 2 * HOUR),
    ],
)
def test_due_at_without_response_depends_on_the_failure(
    reason: str | None, expected: datetime
) -> None:
    fetched = NOW - 2 * HOUR
    due = due_at(
        fetched, status=None, stored=False, published=None, now=NOW, policy=POLICY, reason=reason
    )
    assert due == expected


def test_plan_fetch_new_known_and_due_urls() -> None:
    url = "http://a/2026/11/24/x.html"
    assert plan_fetch(url, None, NOW, POLICY) == plan_fetch(url, KnownUrl(url), NOW, POLICY)
    assert plan_fetch(url, None, NOW, POLICY).recheck is False  # type: ignore[union-attr]

    fresh = KnownUrl(
        url, stored=True, status=200, fetched_at=NOW - HOUR, published=NOW - DAY, etag='"v1"'
    )
    assert plan_fetch(url, fresh, NOW, POLICY) is None

    due = KnownUrl(
        url,
        stored=True,
        status=200,
        fetched_at=NOW - 7 * HOUR,
        published=NOW - DAY,
        etag='"v1"',
        last_modified="Tue, 24 Nov 2026 10:00:00 GMT",
    )
    plan = plan_fetch(url, due, NOW, POLICY)
    assert plan is not None and plan.recheck
    assert plan.headers == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Tue, 24 Nov 2026 10:00:00 GMT",
    }

    old = KnownUrl(
        url, stored=True, status=200, fetched_at=NOW - 30 * DAY, published=NOW - 40 * DAY
    )
    assert plan_fetch(url, old, NOW, POLICY) is None

    # No publication date: the first time it was seen stands in for it.
    undated = KnownUrl(
        url, stored=True, status=200, fetched_at=NOW - 7 * HOUR, first_seen=NOW - DAY
    )
    assert plan_fetch(url, undated, NOW, POLICY) is not None

    failed = KnownUrl(url, status=None, fetched_at=NOW - HOUR)
    assert plan_fetch(url, failed, NOW, POLICY) is not None

    # Fetched, never stored (the run died first): fetched again, and without validators, as
    # a 304 would keep the page out of the database.
    unstored = KnownUrl(url, status=200, fetched_at=NOW - HOUR, etag='"v1"', last_modified="x")
    plan = plan_fetch(url, unstored, NOW, POLICY)
    assert plan is not None and plan.headers == {}


# --- the state in PostgreSQL ---------------------------------------------------------------------


def _state(engine: Engine, **policy: float) -> CrawlStateRepository:
    return CrawlStateRepository(
        engine, source="local", policy=replace(POLICY, **policy), flush_rows=1
    )


def _urls(*names: str) -> list[ArticleCandidate]:
    return [ArticleCandidate(f"http://a/2026/11/24/{n}.html") for n in names]


def test_two_runs_share_one_frontier_through_claims(clean_db: Engine) -> None:
    first, second = _state(clean_db), _state(clean_db)

    assert set(first.plan(_urls("a", "b"))) == {
        "http://a/2026/11/24/a.html",
        "http://a/2026/11/24/b.html",
    }
    # A concurrent run gets only what the first has not claimed.
    assert set(second.plan(_urls("a", "b", "c"))) == {"http://a/2026/11/24/c.html"}
    # The same run never plans a URL twice: no in-memory seen-set needed.
    assert first.plan(_urls("a", "b")) == {}

    first.record_fetch("http://a/2026/11/24/a.html", 200, {"etag": '"e1"'})
    first.record_outcome("http://a/2026/11/24/a.html", stored=True, published=datetime.now(UTC))
    assert second.plan(_urls("a")) == {}  # fetched and fresh

    # A run that died holding a claim: after the claim TTL another run takes the URL over.
    late = _state(clean_db, claim_ttl_seconds=0)
    assert set(late.plan(_urls("b"))) == {"http://a/2026/11/24/b.html"}

    # A recheck after the interval carries the stored validator.
    eager = _state(clean_db, recheck_interval_hours=0)
    plans = eager.plan(_urls("a"))
    assert plans["http://a/2026/11/24/a.html"].headers == {"If-None-Match": '"e1"'}
    for state in (first, second, late, eager):
        state.close()


def test_articles_stored_under_another_url_are_known(clean_db: Engine) -> None:
    with clean_db.begin() as conn:
        article_id = conn.execute(
            text(
                "INSERT INTO articles (url, canonical_url, content_hash, published, fetched_at, etag)"
                " VALUES (:u, :u, 'h1', now(), now(), '\"x\"') RETURNING id"
            ),
            {"u": "http://a/2026/11/24/story.html"},
        ).scalar_one()
        conn.execute(
            text("INSERT INTO article_urls (url, article_id) VALUES (:u, :id)"),
            {"u": "http://a/2026/11/24/story.html", "id": article_id},
        )
    state = _state(clean_db)
    tracked = "http://a/2026/11/24/story.html?utm_source=feed"
    known = state.lookup([tracked])
    assert known[tracked].stored and known[tracked].etag == '"x"'
    assert state.plan([ArticleCandidate(tracked)]) == {}
    # A deployment's own tracking parameter (NEWSMILL_TRACKING_PARAMS) is dropped here too,
    # as the dedup stage drops it from the keys it stores.
    own = "http://a/2026/11/24/story.html?from=homepage"
    assert own not in state.lookup([own])
    configured = CrawlStateRepository(
        clean_db, source="local", policy=POLICY, tracking=tracking_params(["FROM"])
    )
    assert configured.lookup([own])[own].stored
    for each in (state, configured):
        each.close()


# --- repeated crawls of the fixture web ----------------------------------------------------------


@pytest.mark.slow
def test_second_crawl_fetches_only_new_and_due_pages(
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    clean_db: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    ledger = web_manifest.site("ledger")
    feed = fresh_web.url("ledger", ledger.feeds[0])
    in_feed = [a for a in ledger.articles if a.in_feeds]
    incremental = {**INCREMENTAL, "NEWSMILL_DATABASE_URL": database_url}
    env = {"DATABASE_URL": database_url}

    first = run_crawl("feed", {"feeds": feed}, tmp_path, incremental, env=env)
    assert first.paths() == {a.path for a in in_feed}

    # Right after: only robots.txt and the feed itself are fetched.
    fresh_web.clear_requests()
    second = run_crawl("feed", {"feeds": feed}, tmp_path, incremental, env=env)
    assert second.items == []
    assert {r.path for r in fresh_web.requests("ledger")} == {"/robots.txt", ledger.feeds[0]}
    assert second.stat("newsmill/skipped/known") == len(first.items)

    # Later: recent articles are due. Choose the window so that exactly the three newest
    # articles count as recent, whatever today's date.
    now = datetime.now(UTC)
    newest = sorted((a.published for a in in_feed), reverse=True)
    window = (now - newest[2]).total_seconds() / 86400 + 1e-3
    recent = {a.path for a in in_feed if (now - a.published).total_seconds() / 86400 <= window}
    assert 3 <= len(recent) < len(in_feed)
    changing = next(a for a in ledger.articles if a.changes_on_advance)
    fresh_web.advance()
    fresh_web.clear_requests()
    third = run_crawl(
        "feed",
        {"feeds": feed},
        tmp_path,
        {
            **incremental,
            "NEWSMILL_RECHECK_INTERVAL_HOURS": 0,
            "NEWSMILL_RECHECK_WITHIN_DAYS": window,
        },
        env=env,
    )
    article_requests = [r for r in fresh_web.requests("ledger") if ".html" in r.path]
    assert {urlsplit(r.path).path for r in article_requests} == recent
    assert all("if-none-match" in r.headers for r in article_requests)  # conditional rechecks
    unchanged = recent - {changing.path}
    assert third.stat("newsmill/not_modified") == len(unchanged)
    # Only a changed page reaches the item pipelines again.
    assert third.paths() == ({changing.path} & recent)


def test_parked_frontier_round_trips_hints_and_headers(clean_db: Engine) -> None:
    state = _state(clean_db)
    urls = [c.url for c in _urls("p1", "p2", "p3")]
    state.plan([ArticleCandidate(u) for u in urls])
    published = datetime(2026, 11, 24, 10, 3, tzinfo=UTC)
    state.park(
        [
            ParkedRequest(u, {"title": "标题", "published": published}, {"If-None-Match": '"e"'}, 2)
            for u in urls
        ]
    )

    first = state.unpark(2)
    assert [parked.url for parked in first] == sorted(urls)[:2]
    assert first[0].hints == {"title": "标题", "published": published}
    assert first[0].headers == {"If-None-Match": '"e"'} and first[0].depth == 2
    assert [parked.url for parked in state.unpark(10)] == sorted(urls)[2:]
    assert state.unpark(10) == []  # each parked URL comes back once
    # Another run never sees this run's parked URLs.
    state.park([ParkedRequest(urls[0], depth=1)])
    other = _state(clean_db)
    assert other.unpark(10) == [] and other.plan([ArticleCandidate(urls[0])]) == {}
    # A run that stops hands back what it never fetched, so the next run need not wait.
    state.close()
    assert set(other.plan([ArticleCandidate(u) for u in urls])) == set(urls)
    other.close()


@pytest.mark.slow
def test_a_frontier_larger_than_memory_waits_in_postgresql(
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    clean_db: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    ledger = web_manifest.site("ledger")
    result = run_crawl(
        "sitemap",
        {"sitemaps": fresh_web.url("ledger", "/sitemap_index.xml")},
        tmp_path,
        {**INCREMENTAL, "NEWSMILL_DATABASE_URL": database_url, "NEWSMILL_FRONTIER_MEMORY": 3},
        env={"DATABASE_URL": database_url},
    )
    expected = {a.path for a in ledger.articles if a.in_sitemaps}
    assert result.paths() == expected and len(result.items) == len(expected)
    parked = result.stat("newsmill/frontier/parked")
    assert parked >= len(expected) - 3 - 3  # at most 3 in memory per sitemap batch
    assert result.stat("newsmill/frontier/unparked") == parked
    for item in result.items:  # hints survive the round trip through JSON
        assert datetime.fromisoformat(item["hints"]["modified"]).tzinfo is not None
    with clean_db.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM crawl_state WHERE parked IS NOT NULL")).scalar()
            == 0
        )


@pytest.mark.slow
def test_a_full_pipeline_recrawl_updates_only_the_changed_article(
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    clean_db: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    ledger = web_manifest.site("ledger")
    feed = fresh_web.url("ledger", ledger.feeds[0])
    in_feed = [a for a in ledger.articles if a.in_feeds]
    changing = next(a for a in in_feed if a.changes_on_advance)
    settings = {
        "ITEM_PIPELINES": project_settings.ITEM_PIPELINES,
        **INCREMENTAL,
        "NEWSMILL_DATABASE_URL": database_url,
        "NEWSMILL_RECHECK_WITHIN_DAYS": 36500,  # every fixture article counts as recent
    }
    env = {"DATABASE_URL": database_url}

    first = run_crawl("feed", {"feeds": feed}, tmp_path, settings, collect=False, env=env)
    assert first.stat("newsmill/stored") == len(in_feed)

    fresh_web.advance()
    fresh_web.clear_requests()
    second = run_crawl(
        "feed",
        {"feeds": feed},
        tmp_path,
        {**settings, "NEWSMILL_RECHECK_INTERVAL_HOURS": 0},
        collect=False,
        env=env,
    )
    pages = [r for r in fresh_web.requests("ledger") if ".html" in r.path]
    assert all("if-none-match" in r.headers for r in pages)
    # No unchanged article page is transferred again; the changed one is, and is updated.
    assert sorted(urlsplit(r.path).path for r in pages if r.status == 200) == [changing.path]
    assert second.stat("newsmill/not_modified") == len(in_feed) - 1
    assert second.stat("newsmill/updated") == 1
    assert second.stat("newsmill/stored") == 0
    with clean_db.connect() as conn:
        stored_text = conn.execute(
            text("SELECT text FROM articles WHERE url LIKE :path"), {"path": f"%{changing.path}"}
        ).scalar_one()
    assert changing.sentence_after_advance and changing.sentence_after_advance in stored_text
    # The text it replaced is kept as a version, with the size of the change.
    with clean_db.connect() as conn:
        versions = conn.execute(
            text(
                "SELECT v.text, v.words_added FROM article_versions v"
                " JOIN articles a ON a.id = v.article_id WHERE a.url LIKE :path"
            ),
            {"path": f"%{changing.path}"},
        ).all()
    assert len(versions) == 1 and versions[0][1] > 0
    assert changing.sentence_after_advance not in versions[0][0]
    assert changing.sentence in versions[0][0]


def test_open_crawl_state_explains_what_is_missing(
    database_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert open_crawl_state(Settings({"NEWSMILL_INCREMENTAL": False}), source=None) is None
    name = f"newsmill_bare_{secrets.token_hex(3)}"
    admin = create_engine(
        make_url(normalize_url(database_server)).set(database="postgres"),
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    try:
        bare = make_url(normalize_url(database_server)).set(database=name)
        monkeypatch.setenv("DATABASE_URL", bare.render_as_string(hide_password=False))
        with pytest.raises(NewsmillError, match="no crawl_state table: run `newsmill db upgrade`"):
            open_crawl_state(Settings({"NEWSMILL_INCREMENTAL": True}), source=None)
    finally:
        drop_database(database_server, name)


@pytest.mark.slow
def test_urls_over_the_page_budget_are_left_for_the_next_run(
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    clean_db: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    articles = web_manifest.site("ledger").articles[:4]
    urls = ",".join(fresh_web.url("ledger", a.path) for a in articles)
    settings = {**INCREMENTAL, "NEWSMILL_DATABASE_URL": database_url}
    env = {"DATABASE_URL": database_url}

    first = run_crawl("urls", {"urls": urls, "max_pages": "2"}, tmp_path, settings, env=env)
    assert len(first.items) == 2 and first.stat("newsmill/skipped/max_pages") == 2
    second = run_crawl("urls", {"urls": urls}, tmp_path, settings, env=env)
    assert len(second.items) == 2  # the other two, not claimed away by the first run
    assert first.paths() | second.paths() == {a.path for a in articles}
