"""The fixture web serves what its manifest says, with the HTTP behaviour the crawl tests rely on."""

from __future__ import annotations

import gzip
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

import feedparser
import lxml.etree
import lxml.html
import pytest

from pipeline.fixtureweb import FixtureWeb, serve
from pipeline.fixtureweb.bench import first_sentence, generate_bench_site
from pipeline.fixtureweb.manifest import Manifest

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Message
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, headers: dict[str, str] | None = None, *, timeout: float = 10.0, method: str = "GET"
) -> Fetched:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read())


def page_text(body: bytes, encoding: str = "utf-8") -> str:
    return lxml.html.fromstring(body.decode(encoding)).text_content()


def links(body: bytes, encoding: str = "utf-8") -> set[str]:
    tree = lxml.html.fromstring(body.decode(encoding))
    return {a.get("href") for a in tree.iter("a") if a.get("href")}


# -- server -------------------------------------------------------------------------------
def test_each_site_has_its_own_port_and_robots(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    ports = {url.rsplit(":", 1)[1] for url in fixture_web.sites.values()}
    assert len(ports) == len(fixture_web.sites) == len(web_manifest.sites)
    for name, site in web_manifest.sites.items():
        robots = fetch(fixture_web.url(name, "/robots.txt"))
        assert robots.status == 200
        assert robots.headers.get_content_type() == "text/plain"
        for rule in site.robots_disallow:
            assert f"Disallow: {rule}" in robots.body.decode()


def test_unknown_path_is_404_and_requests_are_logged(fresh_web: FixtureWeb) -> None:
    assert fetch(fresh_web.url("ledger", "/no/such/page.html")).status == 404
    records = fresh_web.requests("ledger")
    assert [(r.path, r.status) for r in records] == [("/no/such/page.html", 404)]


def test_keep_alive_serves_several_requests_on_one_connection(fixture_web: FixtureWeb) -> None:
    host, port = fixture_web.sites["ledger"].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        for _ in range(2):
            sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(1)
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            body = b""
            while len(body) < length:
                body += sock.recv(length - len(body))
            assert head.startswith(b"HTTP/1.1 200") and b"User-agent" in body


# -- articles -----------------------------------------------------------------------------
def test_every_expected_article_is_served_with_its_metadata(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    for article in web_manifest.articles():
        site = web_manifest.site(article.site)
        if article.first_status:
            continue  # covered by the retry tests, which re-arm the one-shot errors
        response = fetch(fixture_web.url(article.site, article.path))
        assert response.status == 200, article.path
        # A page declaring the wrong charset still carries the site's real encoding.
        text = page_text(response.body, site.encoding)
        assert article.title in text, article.path
        assert article.sentence in text, article.path
        for author in article.authors:
            assert author in text, (article.path, author)
        assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_article_sentences_are_distinct(web_manifest: Manifest) -> None:
    sentences = [
        a.sentence
        for a in web_manifest.articles()
        if a.duplicate_of is None and a.near_duplicate_of is None
    ]
    assert len(sentences) == len(set(sentences))
    for site in web_manifest.sites.values():
        for article in site.articles:
            assert not any(c in article.sentence for c in site.chrome_strings if len(c) > 8)


def test_ledger_article_dates_and_bylines(fixture_web: FixtureWeb, web_manifest: Manifest) -> None:
    ledger = web_manifest.site("ledger")
    assert len(ledger.articles) >= 24
    with_json_ld = 0
    for article in [a for a in ledger.articles if not a.first_status][:6]:
        tree = lxml.html.fromstring(fetch(fixture_web.url("ledger", article.path)).body)
        (published,) = tree.xpath("//time[@class='published']/@datetime")
        assert published == article.published.isoformat()
        byline = tree.xpath("string(//p[@class='byline'])")
        assert byline.startswith("By ") and article.authors[-1] in byline
        if len(article.authors) == 2:
            assert byline == f"By {article.authors[0]} and {article.authors[1]}"
        with_json_ld += bool(tree.xpath("//script[@type='application/ld+json']"))
        (canonical,) = tree.xpath("//link[@rel='canonical']/@href")
        assert canonical == fixture_web.url("ledger", article.path)
    assert 0 < with_json_ld < 6


def test_ledger_pages_carry_the_chrome_the_extractor_must_strip(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    ledger = web_manifest.site("ledger")
    body = fetch(fixture_web.url("ledger", ledger.articles[1].path)).body
    text = page_text(body)
    present = [c for c in ledger.chrome_strings if c in text]
    # Every fixed chrome string is on the page; comments are a sample of the comment bank.
    assert len(present) >= len(ledger.chrome_strings) - 8
    assert "Advertisement" in text and "Related stories" in text and "Join the conversation" in text


# -- conditional requests and versions -----------------------------------------------------
def test_etag_and_last_modified_give_304(fixture_web: FixtureWeb, web_manifest: Manifest) -> None:
    article = [a for a in web_manifest.articles("ledger") if not a.first_status][5]
    url = fixture_web.url("ledger", article.path)
    first = fetch(url)
    again = fetch(url, {"If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and again.body == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert fetch(url, {"If-Modified-Since": first.headers["Last-Modified"]}).status == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status == 200
    assert fetch(url, {"If-None-Match": '"stale"'}).status == 200


def test_changing_article_changes_after_advance(
    fresh_web: FixtureWeb, web_manifest: Manifest
) -> None:
    (changing,) = [a for a in web_manifest.articles() if a.changes_on_advance]
    url = fresh_web.url(changing.site, changing.path)
    before = fetch(url)
    assert changing.sentence_after_advance not in page_text(before.body)
    unchanged = next(
        a for a in web_manifest.articles("ledger") if not (a.changes_on_advance or a.first_status)
    )
    other_before = fetch(fresh_web.url("ledger", unchanged.path))
    fresh_web.advance()
    after = fetch(url, {"If-None-Match": before.headers["ETag"]})
    assert after.status == 200
    assert changing.sentence_after_advance in page_text(after.body)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
    other = fetch(
        fresh_web.url("ledger", unchanged.path), {"If-None-Match": other_before.headers["ETag"]}
    )
    assert other.status == 304
    fresh_web.reset()
    assert changing.sentence_after_advance not in page_text(fetch(url).body)


# -- site 1: navigation, feeds, sitemaps ---------------------------------------------------
def test_ledger_sections_link_every_article(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    ledger = web_manifest.site("ledger")
    found: set[str] = set()
    for path in ledger.section_pages:
        response = fetch(fixture_web.url("ledger", path))
        assert response.status == 200, path
        found |= links(response.body)
    assert {a.path for a in ledger.articles} <= found
    page2 = fetch(fixture_web.url("ledger", "/world/"))
    assert b'rel="next" href="/world/page/2/"' in page2.body


def test_ledger_home_links_the_tracking_url_and_the_bait(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    ledger = web_manifest.site("ledger")
    home = links(fetch(fixture_web.url("ledger", "/")).body)
    (dup,) = [d for d in web_manifest.duplicates if d.kind == "url"]
    assert dup.copy[1] in home and "utm_source=" in dup.copy[1]
    for error in ledger.errors:
        if "/" in error.linked_from:
            assert error.path in home, error.path
    same = fetch(fixture_web.url(*dup.copy))
    assert same.status == 200 and dup.original[1].encode() in same.body  # canonical link


def test_ledger_feeds_parse_and_list_every_article(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    ledger = web_manifest.site("ledger")
    expected = {fixture_web.url("ledger", a.path) for a in ledger.articles if a.in_feeds}
    for path in ledger.feeds:
        response = fetch(fixture_web.url("ledger", path))
        feed = feedparser.parse(response.body)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        listed = {e.link.split("?")[0] for e in feed.entries}
        assert listed == expected
        first = feed.entries[0]
        assert first.title == ledger.articles[0].title
        assert first.published_parsed is not None
    rss = feedparser.parse(fetch(fixture_web.url("ledger", "/feeds/rss.xml")).body)
    assert any("utm_source=" in e.link for e in rss.entries)


def test_ledger_broken_feed_is_malformed(fixture_web: FixtureWeb, web_manifest: Manifest) -> None:
    (broken,) = [e for e in web_manifest.errors("ledger") if e.kind == "malformed_feed"]
    body = fetch(fixture_web.url("ledger", broken.path)).body
    feed = feedparser.parse(body)
    assert feed.bozo
    links = [e.get("link") for e in feed.entries]
    assert len(links) == 3 and links[2] is None
    expected = {fixture_web.url("ledger", a.path) for a in web_manifest.articles("ledger")}
    assert {link.split("?")[0] for link in links[:2]} <= expected
    with pytest.raises(lxml.etree.XMLSyntaxError):
        lxml.etree.fromstring(body)


def test_ledger_sitemap_index_and_gzipped_sitemap(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    ledger = web_manifest.site("ledger")
    robots = fetch(fixture_web.url("ledger", "/robots.txt")).body.decode()
    (index_url,) = re.findall(r"^Sitemap: (\S+)$", robots, re.M)
    index = lxml.etree.fromstring(fetch(index_url).body)
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    listed: set[str] = set()
    gzipped = 0
    for loc in index.iter(f"{SITEMAP_NS}loc"):
        response = fetch(loc.text)
        body = response.body
        if loc.text.endswith(".gz"):
            gzipped += 1
            assert response.headers.get_content_type() == "application/x-gzip"
            body = gzip.decompress(body)
        urlset = lxml.etree.fromstring(body)
        assert urlset.tag == f"{SITEMAP_NS}urlset"
        listed |= {
            u.text.removeprefix(fixture_web.sites["ledger"])
            for u in urlset.iter(f"{SITEMAP_NS}loc")
        }
    assert gzipped == 1
    (private,) = [e.path for e in ledger.errors if e.kind == "disallowed"]
    assert listed == {a.path for a in ledger.articles} | {private}


# -- error behaviour ----------------------------------------------------------------------
def test_ledger_error_urls_answer_as_the_manifest_says(
    fresh_web: FixtureWeb, web_manifest: Manifest
) -> None:
    for error in web_manifest.errors("ledger"):
        url = fresh_web.url("ledger", error.path)
        if error.kind == "timeout":
            with pytest.raises((TimeoutError, urllib.error.URLError)):
                fetch(url, timeout=0.5)
        elif error.kind == "too_large":
            head = fetch(url, method="HEAD")
            assert head.status == 200 and int(head.headers["Content-Length"]) >= 12 * 1024 * 1024
        elif error.kind == "redirect":
            response = fetch(url)
            assert response.status == error.status
            assert response.headers["Location"] == fresh_web.url("ledger", error.target)
        elif error.kind == "non_html":
            response = fetch(url)
            assert response.headers.get_content_type() == "application/pdf"
            assert response.body.startswith(b"%PDF-") and response.body.rstrip().endswith(b"%%EOF")
        elif error.kind in ("server_error", "rate_limited"):
            first, second = fetch(url), fetch(url)
            assert first.status == error.status
            if error.kind == "rate_limited":
                assert first.headers["Retry-After"] == "1"
            if error.expect.startswith("stored"):
                assert second.status == 200
            else:
                assert second.status == 500
        elif error.status is not None and error.kind != "disallowed":
            assert fetch(url).status == error.status, error.path


def test_oversized_page_streams_its_full_length(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    (huge,) = [e for e in web_manifest.errors("ledger") if e.kind == "too_large"]
    with urllib.request.urlopen(fixture_web.url("ledger", huge.path), timeout=30) as response:
        expected = int(response.headers["Content-Length"])
        total = 0
        while chunk := response.read(1 << 20):
            total += len(chunk)
    assert total == expected > 12_000_000


def test_multipage_article_has_a_second_page(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    (article,) = [a for a in web_manifest.articles() if a.pages > 1]
    first = lxml.html.fromstring(fetch(fixture_web.url(article.site, article.path)).body)
    (next_href,) = first.xpath("//link[@rel='next']/@href")
    second = fetch(next_href)
    assert second.status == 200
    assert article.page_sentences[0] in page_text(second.body)
    assert article.sentence not in page_text(second.body)


# -- the manifest itself ------------------------------------------------------------------
def test_manifest_text_is_clean_of_chrome_and_holds_the_sentence(web_manifest: Manifest) -> None:
    assert set(web_manifest.sites) == {"ledger", "huxin", "syndicate"}
    for site in web_manifest.sites.values():
        for article in site.articles:
            assert article.sentence in article.text, article.path
            assert article.published.utcoffset() is not None
            for chrome in site.chrome_strings:
                for field in (article.text, article.title, article.lead or ""):
                    assert chrome not in field, (article.path, chrome)


def test_manifest_duplicates(web_manifest: Manifest) -> None:
    kinds = sorted(d.kind for d in web_manifest.duplicates)
    assert kinds == ["content", "content", "near", "redirect", "redirect", "url"]
    for pair in web_manifest.duplicates:
        if pair.kind in ("content", "near"):
            original = web_manifest.site(pair.original[0]).article(pair.original[1])
            copy = web_manifest.site(pair.copy[0]).article(pair.copy[1])
            assert copy.title == original.title
            if pair.kind == "content":
                assert copy.text == original.text
            else:  # the original's text plus the desk's paragraph
                assert copy.text.startswith(original.text) and copy.text != original.text
    everything = web_manifest.unique_articles()
    assert len(everything) == len(web_manifest.articles()) - 2
    assert len(web_manifest.unique_articles(["syndicate"])) == len(
        web_manifest.articles("syndicate")
    )


# -- site 2: 沪信网 (GBK) ------------------------------------------------------------------
def test_huxin_serves_gbk_with_chinese_chrome(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    huxin = web_manifest.site("huxin")
    assert len(huxin.articles) >= 10
    article = next(a for a in huxin.articles if a.declared_charset is None)
    response = fetch(fixture_web.url("huxin", article.path))
    assert response.headers["Content-Type"] == "text/html; charset=gbk"
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    html = response.body.decode("gbk")
    assert 'charset="gb2312"' in html
    text = page_text(response.body, "gbk")
    for chrome in (
        "我的位置",
        "文章详情",
        "分享至",
        "收藏",
        "评论(",
        "我也说两句",
        "快来抢沙发吧~",
        "上海辟谣平台",
        "客户端下载",
    ):
        assert chrome in text
    assert f"作者：{' '.join(article.authors)}" in text
    assert "来源：" in text and "摘要：" in text


def test_huxin_byline_times_are_naive_shanghai_times(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    styles = set()
    for article in web_manifest.articles("huxin"):
        text = page_text(fetch(fixture_web.url("huxin", article.path)).body, "gbk")
        p = article.published
        assert p.utcoffset().total_seconds() == 8 * 3600
        dash = f"{p:%Y-%m-%d %H:%M}"
        cjk = f"{p.year}年{p.month}月{p.day}日 {p:%H:%M}"
        assert dash in text or cjk in text, article.path
        styles.add("cjk" if cjk in text else "dash")
    assert styles == {"cjk", "dash"}


def test_huxin_wrong_declared_charset(fixture_web: FixtureWeb, web_manifest: Manifest) -> None:
    (wrong,) = [a for a in web_manifest.articles("huxin") if a.declared_charset]
    response = fetch(fixture_web.url("huxin", wrong.path))
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'charset="utf-8"' in response.body
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    assert wrong.sentence in response.body.decode("gbk")


def test_huxin_channels_paginate_with_xiayiye(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    huxin = web_manifest.site("huxin")
    found: set[str] = set()
    visited = 0
    for start in huxin.sections:
        url = fixture_web.url("huxin", start)
        while url:
            response = fetch(url)
            assert response.status == 200
            visited += 1
            tree = lxml.html.fromstring(response.body.decode("gbk"), base_url=url)
            tree.make_links_absolute()
            found |= {
                a.get("href").removeprefix(fixture_web.sites["huxin"]) for a in tree.iter("a")
            }
            nxt = tree.xpath("//a[text()='下一页']/@href")
            url = nxt[0] if nxt else None
    assert visited == len(huxin.section_pages) > len(huxin.sections)
    assert {a.path for a in huxin.articles} <= found


def test_huxin_google_news_sitemap(fixture_web: FixtureWeb, web_manifest: Manifest) -> None:
    huxin = web_manifest.site("huxin")
    robots = fetch(fixture_web.url("huxin", "/robots.txt")).body.decode()
    assert f"Sitemap: {fixture_web.url('huxin', huxin.sitemaps[0])}" in robots
    tree = lxml.etree.fromstring(fetch(fixture_web.url("huxin", huxin.sitemaps[0])).body)
    news = "{http://www.google.com/schemas/sitemap-news/0.9}"
    listed = {}
    for url in tree.iter(f"{SITEMAP_NS}url"):
        loc = url.findtext(f"{SITEMAP_NS}loc").removeprefix(fixture_web.sites["huxin"])
        listed[loc] = (url.findtext(f".//{news}publication_date"), url.findtext(f".//{news}title"))
    for article in huxin.articles:
        assert listed.pop(article.path) == (article.published.isoformat(), article.title)
    assert list(listed) == [e.path for e in huxin.errors if e.kind == "disallowed"]


# -- site 3: Wirehouse (republisher) ------------------------------------------------------
def test_syndicate_republishes_ledger_bodies_under_its_own_chrome(
    fixture_web: FixtureWeb, web_manifest: Manifest
) -> None:
    copies = [d for d in web_manifest.duplicates if d.kind == "content"]
    canonical_to_original = 0
    for pair in copies:
        original = page_text(fetch(fixture_web.url(*pair.original)).body)
        copy_body = fetch(fixture_web.url(*pair.copy)).body
        copy = page_text(copy_body)
        article = web_manifest.site(pair.copy[0]).article(pair.copy[1])
        for paragraph in article.text.split("\n\n"):
            assert paragraph in copy and paragraph in original
        assert "Originally published by The Ledger" in copy and "Advertisement" not in copy
        (canonical,) = lxml.html.fromstring(copy_body).xpath("//link[@rel='canonical']/@href")
        canonical_to_original += canonical == fixture_web.url(*pair.original)
    assert canonical_to_original == 1
    own = [
        a
        for a in web_manifest.articles("syndicate")
        if a.duplicate_of is None and a.near_duplicate_of is None
    ]
    assert len(own) >= 3


def test_syndicate_feed(fixture_web: FixtureWeb, web_manifest: Manifest) -> None:
    site = web_manifest.site("syndicate")
    feed = feedparser.parse(fetch(fixture_web.url("syndicate", site.feeds[0])).body)
    assert not feed.bozo
    assert {e.link for e in feed.entries} == {
        fixture_web.url("syndicate", a.path) for a in site.articles
    }


# -- bench site ---------------------------------------------------------------------------
def test_bench_site_serves_n_articles_of_about_50_kb() -> None:
    site = generate_bench_site(120)
    with serve(sites=[site]) as web:
        assert list(web.sites) == ["bench"]
        linked: set[str] = set()
        url: str | None = web.url("bench", "/")
        pages = 0
        while url:
            response = fetch(url)
            pages += 1
            tree = lxml.html.fromstring(response.body, base_url=url)
            linked |= {h for h in tree.xpath("//ul[@class='teasers']//a/@href")}
            nxt = tree.xpath("//a[@rel='next']/@href")
            url = web.url("bench", nxt[0]) if nxt else None
        assert pages == len(site.index_paths()) == 3
        assert linked == set(site.article_paths())
        sizes = []
        for path in site.article_paths()[:5]:
            response = fetch(web.url("bench", path))
            assert response.status == 200 and response.headers["ETag"]
            sizes.append(len(response.body))
            assert first_sentence(int(path[3:-5])) in page_text(response.body)
        assert all(45_000 < size < 60_000 for size in sizes)
        assert fetch(web.url("bench", "/a/121.html")).status == 404
        assert "Disallow:\n" in fetch(web.url("bench", "/robots.txt")).body.decode()
        sitemap = lxml.etree.fromstring(fetch(web.url("bench", "/sitemap.xml")).body)
        assert len(list(sitemap.iter(f"{SITEMAP_NS}loc"))) == 120


def test_fixed_port_gives_consecutive_ports() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    try:
        web = serve(port=free, sites=[generate_bench_site(1, "a"), generate_bench_site(2, "b")])
    except OSError:
        pytest.skip("neighbouring port taken")
    with web:
        assert web.sites == {"a": f"http://127.0.0.1:{free}", "b": f"http://127.0.0.1:{free + 1}"}
        assert web.base_url == web.sites["a"]
    with pytest.raises(ValueError, match="distinct names"):
        serve(sites=[generate_bench_site(1), generate_bench_site(1)])


def test_manifest_command_prints_json() -> None:
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pipeline.fixtureweb", "manifest"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    data = json.loads(result.stdout)
    assert set(data["sites"]) == {"ledger", "huxin", "syndicate"}
    assert data["sites"]["huxin"]["articles"][0]["published"].endswith("+08:00")


def test_fixture_web_lifecycle_is_forgiving() -> None:
    from pipeline.fixtureweb.server import FixtureWeb as Web

    idle = Web([generate_bench_site(1)])
    idle.stop()  # never started: must not hang
    with Web([generate_bench_site(1)]) as web:  # the context manager starts it
        assert fetch(web.url("bench", "/robots.txt")).status == 200
    web.stop()  # a second stop is harmless
    with pytest.raises(urllib.error.URLError):
        fetch(web.url("bench", "/robots.txt"), timeout=2)


def test_sites_can_have_hosts_of_their_own() -> None:
    hosts = ("127.0.0.1", "127.0.0.2")
    try:
        web = serve(hosts, sites=[generate_bench_site(1, "a"), generate_bench_site(1, "b")])
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    with web:
        assert [url.split(":")[1] for url in web.sites.values()] == ["//127.0.0.1", "//127.0.0.2"]
        assert fetch(web.url("b", "/robots.txt")).status == 200
    with pytest.raises(ValueError, match="hosts given"):
        serve(hosts, sites=[generate_bench_site(1)])
