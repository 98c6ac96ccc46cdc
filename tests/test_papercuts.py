"""What a new user trips over on the first day (issue 11's papercuts), one test each."""

from __future__ import annotations

import logging
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from types import SimpleNamespace

import pytest
from alembic.script import ScriptDirectory
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.logformatter import LogFormatter
from scrapy.utils.test import get_crawler

from pipeline.db.scratch import create_database, drop_database
from pipeline.db.session import alembic_config, current_revision, downgrade, head_revision
from pipeline.errors import NoArticle, TooOld
from pipeline.items import Article, PageItem
from pipeline.logformatter import NewsmillLogFormatter
from pipeline.pipelines.max_age import MaxAgePipeline
from spiders.section import article_links

# --- drops are one short line ---------------------------------------------------------------


def _rendered(result: dict[str, object]) -> str:
    return str(result["msg"]) % result["args"]  # type: ignore[operator]


def test_a_dropped_page_logs_one_short_line_without_its_html() -> None:
    crawler = get_crawler(Spider)
    spider = Spider("t")
    spider.crawler = crawler
    html = b"<html><body>" + b"<div class='chrome'>share this</div>" * 200 + b"</body></html>"
    item = PageItem(url="https://site.example/news/1.html", body=html, headers={"a": "b"})
    drop = NoArticle("https://site.example/news/1.html: 12 characters of text")

    ours = NewsmillLogFormatter().dropped(item, drop, None, spider)
    line = _rendered(ours)
    assert line == "Dropped (no_article) https://site.example/news/1.html: 12 characters of text"
    assert ours["level"] == logging.INFO
    # Scrapy's own formatter prints the item, raw bytes and all: what this replaces.
    assert "share this" in _rendered(LogFormatter().dropped(item, drop, None, spider))

    scraped = _rendered(NewsmillLogFormatter().scraped(item, None, spider))
    error = _rendered(NewsmillLogFormatter().item_error(item, ValueError("x"), None, spider))
    assert "share this" not in scraped + error and item.url in scraped and item.url in error


# --- article_patterns win over the headline heuristic -------------------------------------

SECTION = (
    '<a href="/story/3001">Story 3</a>'
    '<a href="/story/3002">Video</a>'
    '<a href="/story/3003">2026-11-24</a>'
    '<a href="/story/3004"><img src="t.jpg"></a>'
    '<a href="/about">About this newspaper and its long history</a>'
)


def test_a_configured_article_pattern_wins_over_short_link_text() -> None:
    url = "https://site.example/news/"
    page = HtmlResponse(url, body=SECTION.encode(), encoding="utf-8", request=Request(url))
    found = [c.url for c in article_links(page, (r"/story/\d+$",))]
    assert found == [f"https://site.example/story/300{n}" for n in (1, 2, 3, 4)]
    # Without the pattern the heuristic wants headline-like text, which none of them has.
    assert article_links(page) == []


# --- max_age_days after extraction --------------------------------------------------------


def _stage(cutoff: datetime | None) -> MaxAgePipeline:
    crawler = SimpleNamespace(spider=SimpleNamespace(cutoff=cutoff))
    return MaxAgePipeline(crawler)  # type: ignore[arg-type]


def _page(published: datetime | None) -> PageItem:
    # The URL carries a recent date, which passed the check before fetching.
    url = f"https://site.example/{datetime.now(UTC):%Y/%m/%d}/story.html"
    return PageItem(url=url, body=b"", article=Article(url=url, published=published))


def test_an_article_older_than_max_age_is_dropped_after_extraction() -> None:
    now = datetime.now(UTC)
    stage = _stage(now - timedelta(days=3))
    with pytest.raises(TooOld) as dropped:
        stage.process_item(_page(now - timedelta(days=30)))
    assert dropped.value.reason == "too_old"
    # A naive time is read as UTC; an undated article and a recent one pass.
    with pytest.raises(TooOld):
        stage.process_item(_page((now - timedelta(days=4)).replace(tzinfo=None)))
    assert stage.process_item(_page(None)).article is not None
    assert stage.process_item(_page(now - timedelta(days=1))).article is not None
    # No cutoff configured: nothing is too old.
    assert _stage(None).process_item(_page(now - timedelta(days=3000))).article is not None


# --- user errors are one line and a non-zero exit -----------------------------------------

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "pipeline.cli"]
SCRAPY = [sys.executable, "-m", "scrapy"]
# A crawl that needs no web: one URL on a closed port (the database work happens first).
OFFLINE = ["urls", "-a", "urls=http://127.0.0.1:1/x"]


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def _error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return [line for line in result.stderr.splitlines() if "error" in line.lower()]


@pytest.mark.slow
def test_an_unknown_source_is_one_line_and_a_failure(database_env: dict[str, str]) -> None:
    result = _run([*NEWSMILL, "crawl", "--source", "nosuch", "--quiet"], database_env)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "no source named 'nosuch' (known:" in result.stderr
    assert "stats is not set" not in result.stderr

    result = _run([*SCRAPY, "crawl", "source", "-a", "source=nosuch"], database_env)
    assert result.returncode == 1
    lines = _error_lines(result)
    assert len(lines) == 1 and "no source named 'nosuch'" in lines[0], result.stderr[-3000:]


@pytest.fixture
def scratch_url(database_server: str) -> Iterator[str]:
    """An empty database (no tables) on the test server, dropped afterwards."""
    name = f"newsmill_empty_{secrets.token_hex(4)}"
    url = create_database(database_server, name)
    try:
        yield url
    finally:
        drop_database(database_server, name)


@pytest.mark.slow
def test_an_empty_database_is_migrated_and_an_older_one_refused(
    scratch_url: str, database_env: dict[str, str]
) -> None:
    env = {**database_env, "DATABASE_URL": scratch_url}
    result = _run([*NEWSMILL, "crawl", *OFFLINE, "--quiet"], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert current_revision(scratch_url) == head_revision()

    older = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision())
    downgrade(scratch_url, older.down_revision)
    result = _run([*NEWSMILL, "crawl", *OFFLINE, "--quiet"], env)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"is at schema {older.down_revision}" in result.stderr
    assert "run `newsmill db upgrade`" in result.stderr

    result = _run([*SCRAPY, "crawl", *OFFLINE], env)
    assert result.returncode == 1
    lines = _error_lines(result)
    assert len(lines) == 1 and "run `newsmill db upgrade`" in lines[0], result.stderr[-3000:]
    # Refused, not migrated behind the user's back.
    assert current_revision(scratch_url) == older.down_revision


@pytest.mark.slow
def test_scrapy_crawl_creates_the_schema_in_an_empty_database(
    scratch_url: str, database_env: dict[str, str]
) -> None:
    result = _run([*SCRAPY, "crawl", *OFFLINE], {**database_env, "DATABASE_URL": scratch_url})
    assert result.returncode == 0, result.stderr[-3000:]
    assert current_revision(scratch_url) == head_revision()


@pytest.mark.slow
def test_a_crawl_drops_a_page_dated_older_than_its_url(tmp_path: Path) -> None:
    """max_age_days end to end: the URL's date passes the check before fetching, the page's fails."""
    day = datetime.now(UTC)
    path = tmp_path / f"{day:%Y/%m/%d}"
    path.mkdir(parents=True)
    paragraph = "<p>The council met again on Tuesday to discuss the harbour wall repairs.</p>"
    (path / "old-story.html").write_text(
        "<html><head><title>Harbour wall repairs discussed again</title>"
        '<meta property="article:published_time" content="2020-01-02T10:00:00+00:00">'
        f"</head><body><article><h1>Harbour wall repairs discussed again</h1>{paragraph * 6}"
        "</article></body></html>",
        encoding="utf-8",
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{day:%Y/%m/%d}/old-story.html"
        env = {**os.environ, "NEWSMILL_ALLOW_PRIVATE": "127.0.0.0/8"}
        offline = ["-s", "NEWSMILL_STORE_ENABLED=False", "-s", "NEWSMILL_INCREMENTAL=False"]
        args = ["-a", f"urls={url}", "-a", "max_age_days=3", "--quiet", *offline]
        result = _run([*NEWSMILL, "crawl", "urls", *args], env)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"pages fetched\s+[12]\b", result.stdout), result.stdout
    assert re.search(r"dropped\s+1 \(too_old 1\)", result.stdout), result.stdout
