"""Sitemap spider: sitemap indexes, gzip, robots.txt ``Sitemap:`` lines, Google News sitemaps.

``scrapy crawl sitemap -a source=NAME``, ``-a sitemaps=URL1,URL2`` (a ``…/robots.txt`` URL
is read for its ``Sitemap:`` lines) or ``-a site=https://example.com`` (its robots.txt).
Entries (and child sitemaps) whose news:publication_date / lastmod is older than
``-a since=DATE`` or the source's max_age_days are dropped before anything is fetched.

A sitemap is input from the site, so its reach is bounded: each sitemap URL is fetched once
per run (by canonical key), all sitemap and feed fetches of a run share a budget
(NEWSMILL_MAX_DISCOVERY_FETCHES), and a .gz that will not unpack within DOWNLOAD_MAXSIZE is
counted ``newsmill/errors/malformed_sitemap`` like any other unreadable sitemap.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip

from pipeline.crawlstate import ArticleCandidate
from pipeline.dedup.urls import canonical_url
from spiders.base import META_DEPTH, NewsSpider, split_arg

# Article requests are handed to the crawl state in batches of this many URLs (one lookup
# each), so a 50,000-URL sitemap never needs 50,000 rows in one query.
_BATCH = 500
META_SITEMAP_LEVEL = "newsmill_sitemap_level"  # robots.txt/index nesting, to stop loops
_SITEMAP_LINE = re.compile(rb"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None
    published: datetime | None = None  # news:publication_date
    title: str | None = None  # news:title
    image: str | None = None  # image:image/image:loc

    @property
    def date(self) -> datetime | None:
        return self.published or self.lastmod

    def hints(self) -> dict[str, Any]:
        hints: dict[str, Any] = {"via": "sitemap"}
        if self.published:
            hints["published"] = self.published
        if self.lastmod:
            hints["modified"] = self.lastmod
        if self.title:
            hints["title"] = self.title
        if self.image:
            hints["image"] = self.image
        return hints


@dataclass(frozen=True, slots=True)
class SitemapDocument:
    kind: str  # "index", "urlset" or "invalid"
    entries: tuple[SitemapEntry, ...]


def parse_w3c_datetime(value: str | None, zone: ZoneInfo | None = None) -> datetime | None:
    """W3C datetime (2026-11-24, 2026-11-24T10:03+08:00, …Z); naive values take ``zone``."""
    if not value:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or UTC)
    return parsed


class UnreadableSitemapError(ValueError):
    """A sitemap body that cannot be unpacked: corrupt gzip, or bigger than allowed unpacked."""


def sitemap_body(body: bytes, max_size: int = 0) -> bytes:
    """The XML of a sitemap response, gunzipped when it is a .gz file served as-is.

    Raises UnreadableSitemapError for a corrupt .gz or one that unpacks past ``max_size``
    (a gzip bomb: a few kilobytes that expand to gigabytes).
    """
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return gunzip(body, max_size=max_size)
    # Scrapy signals "too big" with a ValueError subclass; a corrupt stream with the others.
    except (OSError, EOFError, ValueError, struct.error, zlib.error) as exc:
        raise UnreadableSitemapError(str(exc) or type(exc).__name__) from exc


@dataclass(slots=True)
class DiscoveryBudget:
    """The sitemap and feed fetches of one run: each canonical URL once, at most ``limit``.

    A sitemap index that lists itself under endless query-string variants, or links to a
    million child sitemaps, would otherwise keep a crawl busy forever. ``limit`` 0: no limit.
    """

    limit: int
    seen: set[str] = field(default_factory=set)
    reported: bool = False  # the "budget spent" warning was logged

    def admit(self, url: str) -> str | None:
        """None when ``url`` may be fetched (and it is counted), else why not."""
        key = canonical_url(url)
        if key in self.seen:
            return "sitemap_repeat"
        if self.limit and len(self.seen) >= self.limit:
            return "discovery_budget"
        self.seen.add(key)
        return None

    def mark(self, urls: Iterable[str]) -> None:
        """Count URLs fetched without asking (the start points), so they are not fetched again."""
        self.seen.update(canonical_url(url) for url in urls)


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    return [urljoin(base_url, m.decode("utf-8", "replace")) for m in _SITEMAP_LINE.findall(body)]


def parse_sitemap_document(
    body: bytes, base_url: str, zone: ZoneInfo | None = None
) -> SitemapDocument:
    """Parse a sitemap index or urlset (namespaces ignored, entities never resolved)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return SitemapDocument("invalid", ())
    if root is None:
        return SitemapDocument("invalid", ())
    kind = _localname(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        return SitemapDocument("invalid", ())
    entries: list[SitemapEntry] = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        fields: dict[str, str] = {}
        image = None
        for child in node.iter():
            if not isinstance(child.tag, str) or child is node:
                continue
            name = _localname(child.tag)
            value = (child.text or "").strip()
            if name == "loc" and child.getparent() is not node:
                image = image or value  # image:image/image:loc
                continue
            if value and name not in fields:
                fields[name] = value
        loc = fields.get("loc")
        if not loc:
            continue
        entries.append(
            SitemapEntry(
                loc=urljoin(base_url, loc),
                lastmod=parse_w3c_datetime(fields.get("lastmod"), zone),
                published=parse_w3c_datetime(fields.get("publication_date"), zone),
                title=fields.get("title"),
                image=urljoin(base_url, image) if image else None,
            )
        )
    return SitemapDocument("index" if kind == "sitemapindex" else "urlset", tuple(entries))


def _localname(tag: str) -> str:
    """``{namespace}name`` -> ``name``; never raises (etree.QName rejects a namespace such
    as ``}http://…``, which a hostile or broken sitemap may declare)."""
    return tag.rsplit("}", 1)[-1]


def _same_site_or_host(spider: NewsSpider, url: str, parent: str) -> bool:
    """A child sitemap may sit on the site or on the host of its parent (a sitemap CDN)."""
    return spider.on_site(url) or urlsplit(url).netloc == urlsplit(parent).netloc


class SitemapMixin:
    """Sitemap discovery; mixed into NewsSpider subclasses."""

    _discovery: DiscoveryBudget | None = None

    def discovery_budget(self) -> DiscoveryBudget:
        """This run's budget, started with the feeds and sitemaps it was configured with."""
        if self._discovery is None:
            spider: NewsSpider = self  # type: ignore[assignment]
            self._discovery = DiscoveryBudget(
                spider.settings.getint("NEWSMILL_MAX_DISCOVERY_FETCHES")
            )
            self._discovery.mark(spider.config.feeds + spider.config.sitemaps)
        return self._discovery

    def child_sitemap_request(self, url: str, parent: Response, depth: int, level: int) -> Any:
        """The request for a sitemap listed by ``parent`` (an index or robots.txt), or None."""
        spider: NewsSpider = self  # type: ignore[assignment]
        stats = spider.crawler.stats
        if not _same_site_or_host(spider, url, parent.url):
            return None
        max_length = spider.settings.getint("NEWSMILL_MAX_URL_LENGTH")
        if max_length and len(url) > max_length:
            stats.inc_value("newsmill/skipped/url_too_long")
            return None
        refused = self.discovery_budget().admit(url)
        if refused is not None:
            stats.inc_value(f"newsmill/skipped/{refused}")
            if refused == "discovery_budget" and not self.discovery_budget().reported:
                self.discovery_budget().reported = True
                spider.logger.warning(
                    "%s: sitemap/feed budget of this run spent (%d fetches, "
                    "NEWSMILL_MAX_DISCOVERY_FETCHES); further sitemaps are not fetched",
                    parent.url,
                    self.discovery_budget().limit,
                )
            return None
        return spider.index_request(
            url, "sitemap", self.parse_sitemap, depth, **{META_SITEMAP_LEVEL: level + 1}
        )

    def __init__(
        self, *args: Any, sitemaps: str | None = None, site: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sitemaps_arg = split_arg(sitemaps) + tuple(
            urljoin(s.rstrip("/") + "/", "robots.txt") for s in split_arg(site)
        )

    def adhoc_start_points(self) -> dict[str, tuple[str, ...]]:
        points = super().adhoc_start_points()  # type: ignore[misc]
        if self.sitemaps_arg:
            points["sitemaps"] = self.sitemaps_arg
        return points

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        spider: NewsSpider = self  # type: ignore[assignment]
        stats = spider.crawler.stats
        depth = response.meta.get(META_DEPTH, 0)
        level = response.meta.get(META_SITEMAP_LEVEL, 0)
        if level >= spider.settings.getint("NEWSMILL_MAX_SITEMAP_LEVELS"):
            stats.inc_value("newsmill/skipped/sitemap_too_deep")  # an index that loops
            return
        # Where this response came from, and where it redirected to, count as fetched.
        self.discovery_budget().mark([response.url, *response.meta.get("redirect_urls", ())])
        if response.url.endswith("/robots.txt"):
            for url in dict.fromkeys(sitemaps_from_robots(response.body, response.url)):
                request = self.child_sitemap_request(url, response, depth, level)
                if request is not None:
                    yield request
            return
        try:
            body = sitemap_body(response.body, spider.settings.getint("DOWNLOAD_MAXSIZE"))
        except UnreadableSitemapError as exc:  # a corrupt .gz, or a gzip bomb
            stats.inc_value("newsmill/errors/malformed_sitemap")
            spider.logger.warning("unreadable sitemap %s: %s", response.url, exc)
            return
        zone = ZoneInfo(spider.config.timezone) if spider.config.timezone else None
        document = parse_sitemap_document(body, response.url, zone)
        if document.kind == "invalid":
            stats.inc_value("newsmill/errors/malformed_sitemap")
            return
        cutoff = spider.cutoff
        if document.kind == "index":
            for entry in {e.loc: e for e in document.entries}.values():
                # A child sitemap last changed before the cutoff holds only older entries.
                if cutoff and entry.lastmod and entry.lastmod < cutoff:
                    stats.inc_value("newsmill/skipped/old_sitemap")
                    continue
                request = self.child_sitemap_request(entry.loc, response, depth, level)
                if request is not None:
                    yield request
            return
        stats.inc_value("newsmill/sitemap/entries", len(document.entries))
        batch: list[ArticleCandidate] = []
        for entry in document.entries:
            if cutoff and entry.date and entry.date < cutoff:
                stats.inc_value("newsmill/skipped/too_old")
                continue
            batch.append(ArticleCandidate(entry.loc, entry.hints()))
            if len(batch) >= _BATCH:
                yield from spider.article_requests(batch, depth=depth + 1)
                batch = []
        yield from spider.article_requests(batch, depth=depth + 1)


class SitemapSpider(SitemapMixin, NewsSpider):
    name = "sitemap"
    start_kinds = ("sitemaps",)
