"""Hostile-input bounds: sitemaps that never end, gzip bombs, 10,000-character URLs, robots.txt.

Crawls run with the project settings against small servers on 127.0.0.1 (see
tests/test_fetchguard.py for the harness); only the server's own host:port is allowed.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from spiders.sitemap import DiscoveryBudget, UnreadableSitemapError, sitemap_body
from tests.test_fetchguard import HTML, XML, LocalSite, article_page, project_crawl

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


@pytest.fixture
def site() -> Iterator[LocalSite]:
    server = LocalSite("127.0.0.1", 0)
    server.routes["/robots.txt"] = lambda _: (200, {}, b"User-agent: *\nAllow: /\n")
    try:
        yield server
    finally:
        server.stop()


def _base(site: LocalSite) -> str:
    return f"http://127.0.0.1:{site.port}"


def _allow(site: LocalSite) -> list[str]:
    return [f"127.0.0.1:{site.port}"]


# --- sitemaps --------------------------------------------------------------------------------


def test_discovery_budget_counts_each_canonical_url_once() -> None:
    budget = DiscoveryBudget(limit=3)
    budget.mark(["http://a.example/sitemap.xml"])
    assert budget.admit("http://a.example/sitemap.xml?utm_source=x") == "sitemap_repeat"
    assert budget.admit("http://A.example:80/sitemap.xml#top") == "sitemap_repeat"
    assert budget.admit("http://a.example/sitemap.xml?page=2") is None
    assert budget.admit("http://a.example/sitemap.xml?page=3") is None
    assert budget.admit("http://a.example/sitemap.xml?page=4") == "discovery_budget"
    assert DiscoveryBudget(limit=0).admit("http://a.example/x") is None  # 0: no limit


@pytest.mark.slow
def test_a_sitemap_index_listing_itself_under_endless_variants_stops_at_the_budget(
    site: LocalSite, tmp_path: Path, database_url: str
) -> None:
    base = _base(site)

    def index(path: str) -> tuple[int, dict[str, str], bytes]:
        # Itself (with a tracking parameter: the same canonical URL) and 30 new variants.
        variant = path.partition("v=")[2] or "0"
        children = [f"{base}/sitemap.xml?utm_source=loop"] + [
            f"{base}/sitemap.xml?v={variant}-{n}" for n in range(30)
        ]
        locs = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in children)
        return 200, XML, f"<sitemapindex {SITEMAP_NS}>{locs}</sitemapindex>".encode()

    site.routes["/sitemap.xml"] = index
    _, stats, log = project_crawl(
        "sitemap",
        {"sitemaps": f"{base}/sitemap.xml"},
        _allow(site),
        tmp_path,
        database_url,
        NEWSMILL_MAX_DISCOVERY_FETCHES=12,
    )
    fetched = [hit for hit in site.hits if hit.startswith("/sitemap.xml")]
    assert len(fetched) == 12  # the budget, start point included
    assert "/sitemap.xml?utm_source=loop" not in site.hits  # itself: fetched once
    assert stats["newsmill/skipped/discovery_budget"] > 0
    assert stats["newsmill/skipped/sitemap_repeat"] >= 1
    assert log.count("budget of this run spent") == 1


def test_sitemap_body_reports_gzip_bombs_and_corrupt_gzip() -> None:
    xml = f"<urlset {SITEMAP_NS}></urlset>".encode()
    assert sitemap_body(gzip.compress(xml), max_size=1000) == xml
    bomb = gzip.compress(b" " * 2_000_000)
    assert len(bomb) < 10_000
    with pytest.raises(UnreadableSitemapError):
        sitemap_body(bomb, max_size=1_000_000)
    with pytest.raises(UnreadableSitemapError):
        sitemap_body(b"\x1f\x8b\x08\x00garbage", max_size=1_000_000)


@pytest.mark.slow
def test_a_gzip_bomb_sitemap_is_counted_malformed_not_a_traceback(
    site: LocalSite, tmp_path: Path, database_url: str
) -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 3_000_000)
    site.routes["/sitemap.xml.gz"] = lambda _: (200, {"Content-Type": "application/x-gzip"}, bomb)
    _, stats, log = project_crawl(
        "sitemap",
        {"sitemaps": f"{_base(site)}/sitemap.xml.gz"},
        _allow(site),
        tmp_path,
        database_url,
        DOWNLOAD_MAXSIZE=1_000_000,
        DOWNLOAD_WARNSIZE=0,
    )
    assert stats["newsmill/errors/malformed_sitemap"] == 1
    assert "Traceback" not in log and "Spider error" not in log
    assert "unreadable sitemap" in log


# --- over-long URLs --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_10000_character_url_is_skipped_and_its_batch_still_crawled(
    site: LocalSite, tmp_path: Path, database_url: str
) -> None:
    base = _base(site)
    long_url = f"{base}/a/{'x' * 10_000}"
    site.routes["/a/ok"] = lambda _: (200, HTML, article_page("A fine article"))
    items = "".join(
        f"<item><title>t</title><link>{url}</link></item>" for url in (long_url, f"{base}/a/ok")
    )
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
    site.routes["/feed.xml"] = lambda _: (
        200,
        {"Content-Type": "application/rss+xml"},
        rss.encode(),
    )
    sitemap = (
        f"<urlset {SITEMAP_NS}><url><loc>{long_url}</loc></url>"
        f"<url><loc>{base}/a/ok</loc></url></urlset>"
    )
    site.routes["/sitemap.xml"] = lambda _: (200, XML, sitemap.encode())
    # Through the crawl state (PostgreSQL): one such key used to fail the whole lookup.
    items_found, stats, _ = project_crawl(
        "feed", {"feeds": f"{base}/feed.xml"}, _allow(site), tmp_path, database_url
    )
    assert [url.rsplit("/", 1)[-1] for url in items_found] == ["ok"]
    assert stats["newsmill/skipped/url_too_long"] == 1
    assert not any(len(hit) > 2048 for hit in site.hits)
    _, stats, _ = project_crawl(
        "sitemap", {"sitemaps": f"{base}/sitemap.xml"}, _allow(site), tmp_path, database_url
    )
    assert stats["newsmill/skipped/url_too_long"] == 1


# --- robots.txt ------------------------------------------------------------------------------


def _crawl_articles(
    site: LocalSite,
    robots: tuple[int, bytes],
    count: int,
    tmp_path: Path,
    database_url: str,
    **settings: Any,
) -> tuple[list[str], dict[str, int], str]:
    """Crawl ``count`` article URLs of a site whose robots.txt answers ``robots`` (status, body)."""
    status, body = robots
    site.routes["/robots.txt"] = lambda _: (status, {}, body)
    for n in range(count):
        site.routes[f"/a/{n}"] = lambda _, n=n: (200, HTML, article_page(f"Article number {n}"))
    urls = ",".join(f"{_base(site)}/a/{n}" for n in range(count))
    return project_crawl("urls", {"urls": urls}, _allow(site), tmp_path, database_url, **settings)


def _gaps(site: LocalSite) -> list[float]:
    starts = [t for t, hit in zip(site.times, site.hits, strict=True) if hit.startswith("/a/")]
    return [later - earlier for earlier, later in pairwise(starts)]


@pytest.mark.slow
def test_crawl_delay_is_honoured_per_host(
    site: LocalSite, tmp_path: Path, database_url: str
) -> None:
    robots = (200, b"User-agent: *\nCrawl-delay: 1\n")
    items, stats, _ = _crawl_articles(
        site, robots, 4, tmp_path, database_url, CONCURRENT_REQUESTS=8
    )
    assert len(items) == 4
    gaps = _gaps(site)
    assert len(gaps) == 3 and min(gaps) >= 0.9, gaps  # without it: all four at once
    assert stats["newsmill/robots/crawl_delay"] == 1.0


@pytest.mark.slow
def test_crawl_delay_is_capped(site: LocalSite, tmp_path: Path, database_url: str) -> None:
    robots = (200, b"User-agent: *\nCrawl-delay: 600\n")
    items, stats, _ = _crawl_articles(
        site, robots, 3, tmp_path, database_url, NEWSMILL_CRAWL_DELAY_MAX=0.5
    )
    assert len(items) == 3
    gaps = _gaps(site)
    assert min(gaps) >= 0.45 and max(gaps) < 5, gaps
    assert stats["newsmill/robots/crawl_delay"] == 0.5


@pytest.mark.slow
def test_a_5xx_robots_txt_disallows_the_whole_site_for_the_run(
    site: LocalSite, tmp_path: Path, database_url: str
) -> None:
    robots = (503, b"down for maintenance")
    items, stats, _ = _crawl_articles(site, robots, 3, tmp_path, database_url)
    assert items == []
    assert {hit for hit in site.hits} == {"/robots.txt"}  # tried (and retried), nothing else
    assert stats["newsmill/robots/unreachable"] == 1
    assert stats["newsmill/skipped/robots"] == 3


@pytest.mark.slow
def test_robots_txt_holds_for_every_request_waiting_on_it(
    site: LocalSite, tmp_path: Path, database_url: str
) -> None:
    # Scrapy hands a robots.txt being fetched to the first waiting request only; the others
    # went out unchecked. Five requests start together here: none may be fetched.
    robots = (200, b"User-agent: *\nDisallow: /a/\n")
    items, stats, _ = _crawl_articles(site, robots, 5, tmp_path, database_url)
    assert items == [] and site.hits == ["/robots.txt"]
    assert stats["newsmill/skipped/robots"] == 5


# --- feeds -----------------------------------------------------------------------------------


def test_a_deeply_nested_or_oversized_feed_is_malformed_at_once() -> None:
    import time

    from spiders.feed import parse_feed_document

    deep = b"<rss><channel>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</channel></rss>"
    started = time.monotonic()
    feed = parse_feed_document(deep, "https://news.example/feed.xml", 5_000_000)
    assert time.monotonic() - started < 1.0  # feedparser took 15 s over this
    assert feed.malformed and feed.entries == () and "nested deeper" in (feed.error or "")
    item = b"<item><title>t</title><link>https://news.example/a</link></item>"
    big = b'<?xml version="1.0"?><rss version="2.0"><channel>' + item * 2_000 + b"</channel></rss>"
    feed = parse_feed_document(big, "https://news.example/feed.xml", 100_000)
    assert feed.malformed and "NEWSMILL_MAX_FEED_BYTES" in (feed.error or "")
    assert len(parse_feed_document(big, "https://news.example/feed.xml", 0).entries) == 2_000


def test_a_sitemap_with_a_broken_namespace_is_read_not_raised() -> None:
    # Found by tests/test_fuzz.py: lxml's QName raised ValueError on this namespace.
    from spiders.sitemap import parse_sitemap_document

    body = (
        b'<sitemapindex xmlns="}http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://news.example/s1.xml</loc></sitemap></sitemapindex>"
    )
    document = parse_sitemap_document(body, "https://news.example/sitemap.xml")
    assert document.kind == "index"
    assert [e.loc for e in document.entries] == ["https://news.example/s1.xml"]


@pytest.mark.slow
def test_a_content_encoding_gzip_bomb_is_counted_too_large(
    site: LocalSite, tmp_path: Path, database_url: str
) -> None:
    # Served with Content-Encoding: gzip, Scrapy unpacks it itself and ignores the request
    # past DOWNLOAD_MAXSIZE; that used to leave no trace in the stats.
    bomb = gzip.compress(b"<urlset>" + b" " * 3_000_000)
    headers = {"Content-Type": "application/xml", "Content-Encoding": "gzip"}
    site.routes["/sitemap.xml"] = lambda _: (200, headers, bomb)
    _, stats, log = project_crawl(
        "sitemap",
        {"sitemaps": f"{_base(site)}/sitemap.xml"},
        _allow(site),
        tmp_path,
        database_url,
        DOWNLOAD_MAXSIZE=1_000_000,
        DOWNLOAD_WARNSIZE=0,
    )
    assert stats["newsmill/errors/too_large"] == 1
    assert "Traceback" not in log


@pytest.mark.parametrize("junk", [b"\x80", b"\x00"])
def test_a_feed_with_a_garbage_encoding_declaration_is_malformed_not_raised(junk: bytes) -> None:
    # Found by tests/test_fuzz.py: feedparser raised UnicodeDecodeError / ValueError here.
    from spiders.feed import parse_feed_document

    body = (
        b'<?xml version="1.0" encoding="' + junk + b'utf-8"?><rss version="2.0"><channel>'
        b"<item><title>t</title><link>https://news.example/a/1</link></item></channel></rss>"
    )
    feed = parse_feed_document(body, "https://news.example/feed.xml")
    assert feed.malformed and "feedparser" in (feed.error or "")
