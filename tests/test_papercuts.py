"""What a new user trips over on the first day (issue 11's papercuts), one test each."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.logformatter import LogFormatter
from scrapy.utils.test import get_crawler

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
