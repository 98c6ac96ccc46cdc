"""Feed spider: RSS 0.9x/2.0, Atom and RDF feeds via feedparser.

``scrapy crawl feed -a source=NAME`` or ``-a feeds=URL1,URL2``. Each entry's date, title,
authors and image (media:content, media:thumbnail, image enclosures) travel to extraction
as hints. Entries older than ``since``/max_age_days are dropped before fetching; a malformed
feed is counted (``newsmill/errors/malformed_feed``) and what feedparser recovers is used.

feedparser runs in the crawl's thread at well under a megabyte per second, so a feed is site
input with bounds: over NEWSMILL_MAX_FEED_BYTES, or nested deeper than any feed is, it is
counted malformed and not parsed (100,000 nested elements took feedparser 15 s).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree
from scrapy.http import Response

from pipeline.crawlstate import ArticleCandidate
from spiders.base import META_DEPTH, NewsSpider, split_arg


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    image: str | None = None

    def hints(self) -> dict[str, Any]:
        hints: dict[str, Any] = {"via": "feed"}
        for key in ("title", "published", "modified", "image"):
            value = getattr(self, key)
            if value:
                hints[key] = value
        if self.authors:
            hints["authors"] = list(self.authors)
        return hints


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    entries: tuple[FeedEntry, ...]
    malformed: bool  # broken XML; ``entries`` holds what feedparser could still recover
    error: str | None = None


def feed_shape_problem(body: bytes, max_bytes: int) -> str | None:
    """Why ``body`` is not worth handing to feedparser (too big, absurdly deep), or None."""
    if max_bytes and len(body) > max_bytes:
        return f"{len(body):,} bytes, over NEWSMILL_MAX_FEED_BYTES ({max_bytes:,})"
    # libxml2 (C, milliseconds) stops at 256 levels unless told otherwise; a feed has ~6.
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return None  # not XML enough for lxml: feedparser's loose parser may still read it
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        return "nested deeper than 256 levels"
    return None


def parse_feed_document(body: bytes, url: str, max_bytes: int = 0) -> ParsedFeed:
    """Entries of an RSS/Atom/RDF document, with links made absolute against ``url``.

    A document over ``max_bytes`` (0: no limit) or nested absurdly deep gives no entries and
    counts as malformed.
    """
    problem = feed_shape_problem(body, max_bytes)
    if problem is not None:
        return ParsedFeed((), malformed=True, error=problem)
    # Only links, titles, dates, authors and images are read: feedparser's HTML sanitizing
    # and relative-URI rewriting of every description would cost three quarters of the time.
    try:
        parsed = feedparser.parse(
            body,
            response_headers={"content-location": url},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # e.g. encoding="\x80utf-8": feedparser's own decode fails
        return ParsedFeed((), malformed=True, error=f"feedparser: {type(exc).__name__}: {exc}")
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = _entry_link(entry)
        if not link:
            continue
        entries.append(
            FeedEntry(
                url=urljoin(url, link.strip()),
                title=(entry.get("title") or "").strip() or None,
                # RDF's dc:date (and Atom's updated, alone) is the only date: take it.
                published=_struct_to_datetime(
                    entry.get("published_parsed") or entry.get("updated_parsed")
                ),
                modified=_struct_to_datetime(entry.get("updated_parsed")),
                authors=_entry_authors(entry),
                image=_entry_image(entry, url),
            )
        )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    # A wrong declared encoding or content type is routine; broken XML is not.
    benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    malformed = problem is not None and not isinstance(problem, benign)
    return ParsedFeed(tuple(entries), malformed=malformed, error=str(problem) if problem else None)


def _entry_link(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return link
    for candidate in entry.get("links", []):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return candidate["href"]
    guid = entry.get("id") or ""
    return guid if guid.startswith(("http://", "https://")) else None


def _entry_authors(entry: Any) -> tuple[str, ...]:
    names: list[str] = []
    for author in entry.get("authors") or []:
        name = (author.get("name") or "").strip()
        if name and name not in names:
            names.append(name)
    single = (entry.get("author") or "").strip()
    if not names and single:
        names.append(single)
    return tuple(names)


def _entry_image(entry: Any, base: str) -> str | None:
    for media in entry.get("media_content") or []:
        kind = (media.get("medium") or media.get("type") or "image").lower()
        if media.get("url") and kind.startswith("image"):
            return urljoin(base, media["url"])
    for thumb in entry.get("media_thumbnail") or []:
        if thumb.get("url"):
            return urljoin(base, thumb["url"])
    for link in entry.get("enclosures") or entry.get("links") or []:
        if (link.get("type") or "").startswith("image/") and link.get("href"):
            return urljoin(base, link["href"])
    return None


def _struct_to_datetime(value: Any) -> datetime | None:
    # feedparser normalizes every date it understands to a UTC struct_time.
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


class FeedMixin:
    """Feed discovery; mixed into NewsSpider subclasses."""

    def __init__(self, *args: Any, feeds: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feeds_arg = split_arg(feeds)

    def adhoc_start_points(self) -> dict[str, tuple[str, ...]]:
        points = super().adhoc_start_points()  # type: ignore[misc]
        if self.feeds_arg:
            points["feeds"] = self.feeds_arg
        return points

    def parse_feed(self, response: Response) -> Iterator[Any]:
        spider: NewsSpider = self  # type: ignore[assignment]
        stats = spider.crawler.stats
        feed = parse_feed_document(
            response.body, response.url, spider.settings.getint("NEWSMILL_MAX_FEED_BYTES")
        )
        if feed.malformed:
            stats.inc_value("newsmill/errors/malformed_feed")
            spider.logger.warning(
                "malformed feed %s (%d entries recovered): %s",
                response.url,
                len(feed.entries),
                feed.error,
            )
        stats.inc_value("newsmill/feed/entries", len(feed.entries))
        fresh = []
        for entry in feed.entries:
            date = entry.published or entry.modified
            if spider.cutoff and date and date < spider.cutoff:
                stats.inc_value("newsmill/skipped/too_old")
                continue
            fresh.append(ArticleCandidate(entry.url, entry.hints()))
        yield from spider.article_requests(fresh, depth=response.meta.get(META_DEPTH, 0) + 1)


class FeedSpider(FeedMixin, NewsSpider):
    name = "feed"
    start_kinds = ("feeds",)
