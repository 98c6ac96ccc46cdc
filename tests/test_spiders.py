"""Spiders against the local fixture web, plus the pure helpers they are built from.

Each crawl runs in a subprocess (tests/plugins/crawl.py) with Newsmill's defaults and a
collecting item pipeline instead of the stages, so these tests need no database;
tests/test_incremental.py covers the database-backed crawl state.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Spider
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from pipeline.dedup.urls import canonical_url
from pipeline.fixtureweb import FixtureWeb
from pipeline.fixtureweb.manifest import Manifest
from pipeline.middlewares import RetryAfterMiddleware, backoff_seconds, retry_after_seconds
from spiders.base import parse_since
from spiders.feed import parse_feed_document
from spiders.pages import (
    continuation_key,
    date_from_url,
    error_kind,
    next_article_page,
)
from spiders.section import article_links, link_text_ok, looks_like_article_url
from spiders.sitemap import SitemapSpider, parse_sitemap_document, sitemaps_from_robots
from tests.plugins.crawl import (
    REPO,
    TEST_SETTINGS,
    crawl_command,
    crawl_env,
    run_crawl,
    url_path,
)


def _requested_paths(web: FixtureWeb, site: str) -> list[str]:
    return [r.path for r in web.requests(site)]


# --- crawls of the fixture web -------------------------------------------------------------


@pytest.mark.slow
def test_section_spider_finds_exactly_the_section_articles(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    sections = ",".join(fresh_web.url("ledger", p) for p in ledger.sections)
    result = run_crawl("section", {"sections": sections}, tmp_path)

    # Includes the 500-once and 429-once articles: retried, the 429 after its Retry-After.
    assert result.paths() == {a.path for a in ledger.articles}
    assert len(result.items) == len(ledger.articles)  # every article once
    assert result.stat("newsmill/retry/after_honoured") == 1
    requested = _requested_paths(fresh_web, "ledger")
    assert "/world/page/2/" in requested  # pagination followed
    item = result.items[0]
    assert item["body_is_bytes"] and item["body_length"] > 1000
    assert all(key == key.lower() for key in item["headers"])
    assert datetime.fromisoformat(item["fetched_at"]).tzinfo is not None
    assert item["spider"] == "section" and item["source"] is None


@pytest.mark.slow
def test_multi_page_article_is_one_item_carrying_the_later_pages(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    multi = next(a for a in web_manifest.site("ledger").articles if a.pages > 1)
    result = run_crawl("urls", {"urls": fresh_web.url("ledger", multi.path)}, tmp_path)

    assert len(result.items) == 1
    item = result.items[0]
    assert url_path(item["url"]) == multi.path
    pages = item["hints"]["pages"]
    assert [url_path(p["url"]) for p in pages] == [
        f"{multi.path}?page={n}" for n in range(2, multi.pages + 1)
    ]
    assert all(p["body"]["bytes"] > 1000 for p in pages)
    assert result.stat("newsmill/article_pages_followed") == multi.pages - 1


@pytest.mark.slow
def test_home_page_bait_links_are_counted_not_stored(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    result = run_crawl("section", {"sections": fresh_web.url("ledger", "/")}, tmp_path)

    never = {e.kind: e for e in ledger.errors if "stored" not in e.expect}
    stored_paths = result.paths()
    for kind in ("not_found", "server_error", "timeout", "too_large", "disallowed"):
        assert never[kind].path not in stored_paths
    assert result.stat("newsmill/errors/http_4xx") == 1
    assert result.stat("newsmill/errors/http_5xx") == 1
    assert result.stat("newsmill/errors/timeout") == 1
    assert result.stat("newsmill/errors/too_large") == 1
    assert result.stat("newsmill/skipped/robots") == 1
    # robots.txt honoured: the disallowed page was never requested.
    assert never["disallowed"].path not in _requested_paths(fresh_web, "ledger")
    # A redirecting link arrives at the article, which is fetched once however it is linked.
    redirect = next(e for e in ledger.errors if e.kind == "redirect" and e.path.endswith(".html"))
    assert redirect.target in stored_paths and redirect.path not in stored_paths
    finals = [url_path(canonical_url(i["url"])) for i in result.items]
    assert finals.count(redirect.target) == 1


@pytest.mark.slow
def test_section_pagination_is_bounded(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    sections = ",".join(fresh_web.url("ledger", p) for p in ledger.sections)
    result = run_crawl(
        "section", {"sections": sections}, tmp_path, {"NEWSMILL_MAX_SECTION_PAGES": 1}
    )

    requested = _requested_paths(fresh_web, "ledger")
    assert not any("/page/" in path for path in requested)
    assert 0 < len(result.items) < len(ledger.articles)
    assert result.stat("newsmill/section/pagination") == 0


@pytest.mark.slow
def test_section_since_skips_old_dated_links_without_fetching(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    sections = ",".join(fresh_web.url("ledger", p) for p in ledger.sections)
    result = run_crawl("section", {"sections": sections, "since": "2026-11-20"}, tmp_path)

    day = {a.path: date_from_url(a.path) for a in ledger.articles}
    expected = {path for path, d in day.items() if d and d >= datetime(2026, 11, 20, tzinfo=UTC)}
    assert expected and result.paths() == expected
    requested = set(_requested_paths(fresh_web, "ledger"))
    assert not (set(day) - expected) & requested
    assert result.stat("newsmill/skipped/too_old") > 0


@pytest.mark.slow
def test_chinese_channels_follow_下一页_pagination(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    huxin = web_manifest.site("huxin")
    sections = ",".join(fresh_web.url("huxin", p) for p in huxin.sections)
    result = run_crawl("section", {"sections": sections}, tmp_path)

    assert result.paths() == {a.path for a in huxin.articles}
    assert any("index_2" in p for p in _requested_paths(fresh_web, "huxin"))
    titles = {a.path: a.title for a in huxin.articles}
    for item in result.items:  # link text travels as a hint, decoded from GBK
        assert item["hints"]["title"] == titles[url_path(item["url"])]


@pytest.mark.slow
def test_feed_spider_reads_rss_atom_and_a_malformed_feed(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    broken = next(e.path for e in ledger.errors if e.kind == "malformed_feed")
    feeds = ",".join(fresh_web.url("ledger", p) for p in (*ledger.feeds, broken))
    result = run_crawl("feed", {"feeds": feeds}, tmp_path)

    assert result.paths() == {a.path for a in ledger.articles if a.in_feeds}
    assert result.stat("newsmill/errors/malformed_feed") == 1
    for article in ledger.articles:
        hints = result.item(article.path)["hints"]
        assert hints["via"] == "feed"
        assert hints["title"] == article.title
        assert datetime.fromisoformat(hints["published"]) == article.published
        assert hints["authors"]


@pytest.mark.slow
def test_sitemap_spider_from_robots_txt_with_index_and_gzip(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    result = run_crawl("sitemap", {"site": fresh_web.url("ledger", "/")}, tmp_path)

    assert result.paths() == {a.path for a in ledger.articles if a.in_sitemaps}
    requested = _requested_paths(fresh_web, "ledger")
    assert any(p.endswith(".xml.gz") for p in requested)
    assert not any(p.startswith("/private/") for p in requested)
    assert result.stat("newsmill/skipped/robots") == 1


@pytest.mark.slow
def test_sitemap_since_filters_before_fetching(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    since = datetime(2026, 11, 20, tzinfo=UTC)
    result = run_crawl(
        "sitemap",
        {"sitemaps": fresh_web.url("ledger", "/sitemap_index.xml"), "since": "2026-11-20"},
        tmp_path,
    )

    def date(article: Any) -> datetime:
        return article.modified or article.published

    expected = {a.path for a in ledger.articles if a.in_sitemaps and date(a) >= since}
    assert expected and result.paths() == expected
    requested = set(_requested_paths(fresh_web, "ledger"))
    assert not any(a.path in requested for a in ledger.articles if date(a) < since)
    assert not any(p.endswith(".xml.gz") for p in requested)  # the October sitemap is older
    assert result.stat("newsmill/skipped/too_old") > 0


@pytest.mark.slow
def test_google_news_sitemap_gives_titles_and_dates(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    huxin = web_manifest.site("huxin")
    result = run_crawl("sitemap", {"site": fresh_web.url("huxin", "/")}, tmp_path)

    assert result.paths() == {a.path for a in huxin.articles if a.in_sitemaps}
    for article in huxin.articles:
        hints = result.item(article.path)["hints"]
        assert hints["title"] == article.title
        assert datetime.fromisoformat(hints["published"]) == article.published


@pytest.mark.slow
def test_urls_spider_reads_a_file_and_skips_non_html(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    pdf = next(e.path for e in ledger.errors if e.kind == "non_html")
    article = ledger.articles[0]
    listing = tmp_path / "urls.txt"
    listing.write_text(
        f"# a manual run\n{fresh_web.url('ledger', article.path)}\n\n{fresh_web.url('ledger', pdf)}\n",
        encoding="utf-8",
    )
    result = run_crawl("urls", {"file": str(listing)}, tmp_path)

    assert result.paths() == {article.path}
    assert result.stat("newsmill/dropped/not_html") == 1
    assert result.stat("newsmill/download_stopped/not_html") == 1


@pytest.mark.slow
def test_max_pages_and_domains_limit_an_ad_hoc_run(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    ledger = web_manifest.site("ledger")
    urls = [fresh_web.url("ledger", a.path) for a in ledger.articles[:3]]
    syndicate = web_manifest.site("syndicate").articles[0].path
    urls.append(fresh_web.url("syndicate", syndicate))
    result = run_crawl(
        "urls",
        {
            "urls": ",".join(urls),
            "max_pages": "2",
            "domains": urlsplit(fresh_web.url("ledger", "/")).netloc,
        },
        tmp_path,
    )

    assert len(result.items) == 2
    assert result.stat("newsmill/skipped/max_pages") == 1
    assert result.stat("newsmill/skipped/offsite") == 1  # same host, another port
    assert syndicate not in _requested_paths(fresh_web, "syndicate")


@pytest.mark.slow
def test_source_spider_runs_every_start_point_through_scrapy_crawl(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    syndicate = web_manifest.site("syndicate")
    base = fresh_web.url("syndicate", "/").rstrip("/")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "wire.yaml").write_text(
        f"name: wire\nallowed_domains: ['{urlsplit(base).netloc}']\nlanguage: en\n"
        f"feeds: ['{base}{syndicate.feeds[0]}']\nsections: ['{base}/']\n",
        encoding="utf-8",
    )
    overrides = {"NEWSMILL_SOURCES_DIR": str(sources), "ITEM_PIPELINES": "{}"}
    command = [sys.executable, "-m", "scrapy", "crawl", "source", "-a", "name=wire"]
    for key, value in {**TEST_SETTINGS, **overrides}.items():
        if isinstance(value, list):
            value = ",".join(map(str, value))
        elif isinstance(value, dict):
            value = json.dumps(value)
        command += ["-s", f"{key}={value}"]
    proc = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=crawl_env(),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"'item_scraped_count': {len(syndicate.articles)}," in proc.stderr
    requested = _requested_paths(fresh_web, "syndicate")
    assert syndicate.feeds[0] in requested and "/" in requested
    # Feed and front page list the same stories: each fetched once.
    for article in syndicate.articles:
        assert requested.count(article.path) == 1


@pytest.mark.slow
def test_source_spider_requires_a_source_name(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "source", "-s", "NEWSMILL_INCREMENTAL=False"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env=crawl_env(),
    )
    assert "needs -a source=NAME" in proc.stderr


# --- pure helpers ------------------------------------------------------------------------------


def _html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


def test_continuation_pages_are_recognised_and_next_articles_are_not() -> None:
    assert continuation_key("http://a/x/123.html?page=2") == continuation_key("http://a/x/123.html")
    assert continuation_key("http://a/x/123_2.html") == continuation_key("http://a/x/123.html")
    assert continuation_key("http://a/x/124.html") != continuation_key("http://a/x/123.html")
    page = _html(
        "http://a/2026/11/24/story.html",
        '<html><a href="/2026/11/25/other.html">下一篇</a>'
        '<a href="/2026/11/24/story.html?page=2">下一页</a></html>',
    )
    assert next_article_page(page) == "http://a/2026/11/24/story.html?page=2"
    alone = _html("http://a/2026/11/24/story.html", '<a href="/2026/11/25/other.html">Next</a>')
    assert next_article_page(alone) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://a/world/2026/11/24/harbour-city.html", True),
        ("http://a/html/2026-11/24/content_467436.htm", True),
        ("http://a/stories/7112-allotment-waiting-list", True),
        ("http://a/news/ministers-agree-on-new-budget-rules", True),
        ("http://a/news/detail?id=1234567", True),
        ("http://a/?p=4521", True),
        ("http://a/list?page=2", False),
        ("http://a/world/page/2/", False),
        ("http://a/channel/caijing/index_2.html", False),
        ("http://a/reports/annual-report-2026-final-version.pdf", False),
        ("http://a/tag/2026-elections-results-today/", False),
        ("http://a/about", False),
    ],
)
def test_looks_like_article_url(url: str, expected: bool) -> None:
    assert looks_like_article_url(url) is expected


def test_article_links_need_headline_text_and_accept_source_patterns() -> None:
    page = _html(
        "http://a/world/",
        '<a href="/world/2026/11/24/flood.html"><img src="x.jpg"></a>'
        '<a href="/world/2026/11/24/flood.html">Harbour city votes on flood barrier</a>'
        '<a href="/world/2026/11/23/short.html">More</a>'
        '<a href="/p?id=88">A headline long enough to count</a>',
    )
    assert [c.url for c in article_links(page)] == ["http://a/world/2026/11/24/flood.html"]
    assert [c.url for c in article_links(page, (r"/p\?id=\d+",))] == ["http://a/p?id=88"]
    assert (
        link_text_ok("地铁十八号线") and not link_text_ok("更多") and not link_text_ok("Read more")
    )


def test_feed_parser_handles_rdf_and_rss091_with_media() -> None:
    rdf = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="http://a/"><title>A</title><link>http://a/</link></channel>
 <item rdf:about="http://a/2026/11/24/one.html"><title>One</title><link>http://a/2026/11/24/one.html</link>
  <dc:date>2026-11-24T10:03:00+08:00</dc:date><dc:creator>朱珉迕</dc:creator></item>
</rdf:RDF>""".encode()
    feed = parse_feed_document(rdf, "http://a/rdf")
    assert not feed.malformed
    (entry,) = feed.entries
    assert entry.published == datetime(2026, 11, 24, 2, 3, tzinfo=UTC)
    assert entry.authors == ("朱珉迕",)

    rss091 = b"""<?xml version="1.0"?><rss version="0.91" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>B</title><link>http://b/</link><item><title>Two</title><link>/2026/11/24/two.html</link>
<media:content url="/img/two.jpg" medium="image"/></item></channel></rss>"""
    (entry,) = parse_feed_document(rss091, "http://b/feed").entries
    assert entry.url == "http://b/2026/11/24/two.html"
    assert entry.image == "http://b/img/two.jpg"

    assert parse_feed_document(b"<rss><channel><item><title>x &", "http://c/").malformed


def test_sitemap_parser_reads_google_news_and_images() -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
 <url><loc>http://a/html/2026-11/24/content_1.htm</loc>
  <news:news><news:publication><news:name>沪信网</news:name><news:language>zh</news:language></news:publication>
   <news:publication_date>2026-11-24T10:03:00+08:00</news:publication_date><news:title>标题</news:title></news:news>
  <image:image><image:loc>http://a/img/1.jpg</image:loc></image:image></url>
 <url><loc>/relative.html</loc><lastmod>2026-11-01</lastmod></url>
</urlset>""".encode()
    doc = parse_sitemap_document(xml, "http://a/sitemap.xml")
    assert doc.kind == "urlset"
    first, second = doc.entries
    assert first.title == "标题" and first.image == "http://a/img/1.jpg"
    assert first.published == datetime(2026, 11, 24, 2, 3, tzinfo=UTC)
    assert second.loc == "http://a/relative.html" and second.lastmod == datetime(
        2026, 11, 1, tzinfo=UTC
    )
    assert parse_sitemap_document(b"<html>no</html>", "http://a/").kind == "invalid"
    assert sitemaps_from_robots(
        b"User-agent: *\nSitemap: /s.xml\nsitemap:http://b/x.xml", "http://a/robots.txt"
    ) == [
        "http://a/s.xml",
        "http://b/x.xml",
    ]


def test_a_sitemap_index_that_points_at_itself_stops() -> None:
    crawler = get_crawler(
        SitemapSpider, {"ADDONS": TEST_SETTINGS["ADDONS"], "NEWSMILL_INCREMENTAL": False}
    )
    spider = SitemapSpider.from_crawler(crawler, sitemaps="http://a/index.xml")
    crawler.spider = spider
    level = 0
    request = Request("http://a/index.xml", meta={})
    fetched = 0
    while True:
        # Each level lists itself (fetched once per run, never again) and a new variant of
        # itself (a new URL: followed until the nesting limit).
        index = (
            b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<sitemap><loc>http://a/index.xml</loc></sitemap>"
            b"<sitemap><loc>http://a/index.xml</loc></sitemap>"
            b"<sitemap><loc>http://a/index.xml?v=%d</loc></sitemap></sitemapindex>" % (level + 1)
        )
        response = XmlResponse(request.url, body=index, request=request)
        children = list(spider.parse_sitemap(response))
        fetched += 1
        if not children:
            break
        assert len(children) == 1  # itself is never requested again
        request = children[0]
        level += 1
    assert fetched == 5 and level == 4
    assert crawler.stats.get_value("newsmill/skipped/sitemap_too_deep") == 1
    assert crawler.stats.get_value("newsmill/skipped/sitemap_repeat") == 4


def test_retry_after_and_backoff() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds("Wed, 25 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None
    assert [backoff_seconds(n, 1.0, 5.0) for n in range(4)] == [1.0, 2.0, 4.0, 5.0]


def test_error_kinds() -> None:
    def kind(exc: Exception) -> str | None:
        return error_kind(Failure(exc))

    assert kind(HttpError(Response("http://a/", status=404), "x")) == "http_4xx"
    assert kind(HttpError(Response("http://a/", status=503), "x")) == "http_5xx"
    assert kind(DNSLookupError("nowhere.invalid")) == "dns"
    assert kind(DownloadTimeoutError("slow")) == "timeout"
    assert kind(IgnoreRequest("Forbidden by robots.txt")) is None
    assert kind(RuntimeError("boom")) == "other"


def test_date_from_url() -> None:
    assert date_from_url("http://a/world/2026/11/24/x.html") == datetime(2026, 11, 24, tzinfo=UTC)
    assert date_from_url("http://a/html/2026-11/24/content_1.htm") == datetime(
        2026, 11, 24, tzinfo=UTC
    )
    assert date_from_url("http://a/20261124/c.html") == datetime(2026, 11, 24, tzinfo=UTC)
    assert date_from_url("http://a/a/123456.html") is None
    assert date_from_url("http://a/2026/13/01/x.html") is None


def test_retry_after_middleware_retries_and_gives_up_on_long_waits() -> None:
    crawler = get_crawler(
        Spider,
        {
            "ADDONS": TEST_SETTINGS["ADDONS"],
            "NEWSMILL_RETRY_BACKOFF_BASE": 0,
            "RETRY_TIMES": 1,
            "RETRY_HTTP_CODES": [429, 503],
        },
    )
    crawler.spider = crawler._create_spider("retry-test")
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request("http://a/x")

    def respond(status: int, **headers: str) -> Any:
        return asyncio.run(
            middleware.process_response(
                request, Response(request.url, status=status, headers=headers)
            )
        )

    # A wait longer than NEWSMILL_RETRY_AFTER_MAX: no retry, counted.
    assert respond(429, **{"Retry-After": "3600"}).status == 429
    assert crawler.stats.get_value("newsmill/retry/after_too_long") == 1
    retry = respond(503)
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert respond(200).status == 200


def test_parse_since() -> None:
    assert parse_since("2026-11-01") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_since("2026-11-01T08:00+08:00") == datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="since="):
        parse_since("last week")


@pytest.mark.slow
def test_two_processes_share_a_redis_frontier(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    ledger = web_manifest.site("ledger")
    key = f"newsmill-test-{os.getpid()}-{datetime.now(UTC).timestamp():.0f}"
    settings = {
        **TEST_SETTINGS,
        "NEWSMILL_REDIS_URL": "redis://127.0.0.1:6379/0",
        "SCHEDULER_QUEUE_KEY": f"{key}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{key}:%(spider)s:dupefilter",
    }
    sections = ",".join(fresh_web.url("ledger", p) for p in ledger.sections)
    outs = [tmp_path / f"node{n}.json" for n in range(2)]
    try:
        nodes = [
            subprocess.Popen(
                crawl_command(
                    {
                        "settings": settings,
                        "spider": "section",
                        "args": {"sections": sections},
                        "out": str(out),
                        "collect": True,
                    }
                ),
                cwd=REPO,
                env=crawl_env(),
                stderr=subprocess.PIPE,
                text=True,
            )
            for out in outs
        ]
        for node in nodes:
            _, err = node.communicate(timeout=120)
            assert node.returncode == 0, err[-3000:]
    finally:
        for stale in client.scan_iter(f"{key}:*"):
            client.delete(stale)
    items = [item for out in outs for item in json.loads(out.read_text(encoding="utf-8"))["items"]]
    # One frontier: together the two nodes fetched every article, and none twice.
    assert len(items) == len(ledger.articles)
    assert {url_path(canonical_url(i["url"])) for i in items} == {a.path for a in ledger.articles}


@pytest.mark.slow
def test_database_down_from_the_start_spools_every_article(
    fresh_web: FixtureWeb, web_manifest: Manifest, tmp_path: Path
) -> None:
    plain = [a for a in web_manifest.site("ledger").articles if a.pages == 1 and not a.first_status]
    urls = ",".join(fresh_web.url("ledger", a.path) for a in plain[:3])
    home = tmp_path / "home"
    result = run_crawl(
        "urls",
        {"urls": urls},
        tmp_path,
        {
            # collect=False: the stages are the add-on's, as in a real crawl
            "NEWSMILL_INCREMENTAL": False,
            "NEWSMILL_EXTRACT_WORKERS": 0,
            "NEWSMILL_DATABASE_URL": "postgresql://newsmill@127.0.0.1:1/newsmill",
        },
        collect=False,
        env={"NEWSMILL_HOME": str(home), "DATABASE_URL": ""},
    )
    assert "could not record the start of this crawl run" in result.log
    spooled = [
        json.loads(line)["canonical_url"]
        for path in (home / "spool").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(spooled) == sorted(fresh_web.url("ledger", a.path) for a in plain[:3])
    assert result.stat("newsmill/spooled") == 3
