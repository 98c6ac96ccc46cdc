"""NewsSpider: what every discovery spider shares — source config, article requests, items.

A discovery spider (feed, sitemap, section, urls, source) only finds article URLs and hands
them to ``article_requests``; this base fetches them, skips what is not HTML, follows
multi-page articles, counts errors, and yields one ``PageItem`` per article.

Multi-page contract (for the extract stage): ``PageItem.body`` is the first page;
``PageItem.hints["pages"]`` lists the following pages in order, each a dict
``{"url": str, "body": bytes, "headers": dict[str, str]}`` (raw bytes, never decoded).
The extract stage appends each page's article text to the first page's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pipeline.addon import Newsmill
from pipeline.crawlstate import ArticleCandidate, CrawlStateRepository, ParkedRequest
from pipeline.errors import NewsmillError, SourceConfigError
from pipeline.items import PageItem
from pipeline.sniffing import looks_like_html
from pipeline.sources import CrawlLimits, SourceConfig, load_source, load_sources, url_allowed
from spiders.pages import (
    continuation_key,
    date_from_url,
    error_kind,
    header_dict,
    next_article_page,
)

# Request.meta keys this package sets.
META_KIND = "newsmill_kind"  # "feed" | "sitemap" | "section" | "article" | "article_page"
META_HINTS = "newsmill_hints"
META_DEPTH = "newsmill_depth"
META_PAGES = "newsmill_pages"  # pages of a multi-page article fetched so far
META_CANDIDATE = "newsmill_candidate"


def parse_since(value: str | None) -> datetime | None:
    """``-a since=2026-11-01`` (a date or ISO date-time) as an aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"since={value!r}: expected a date such as 2026-11-01") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def split_arg(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """A comma-separated ``-a`` argument (or a list, when called from Python) as a tuple."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(item.strip() for item in items if item and item.strip())


class NewsSpider(scrapy.Spider):
    """Base of every Newsmill spider. Arguments (``-a k=v``) common to all:

    source: a source name from NEWSMILL_SOURCES_DIR (or a path to one .yaml file)
    sources_dir: another sources directory
    domains: comma-separated allowed domains for an ad-hoc run (default: the start URLs' hosts)
    since: skip articles older than this date (feed and sitemap dates, before fetching)
    max_pages, max_depth, max_age_days: override the source's limits
    """

    # No name: the base is not a spider of its own (`scrapy list` shows only the five below).
    # Which start-point lists of a SourceConfig this spider crawls; subclasses narrow it.
    start_kinds: tuple[str, ...] = ("feeds", "sitemaps", "sections", "urls")

    def __init__(
        self,
        *args: Any,
        source: str | None = None,
        sources_dir: str | None = None,
        domains: str | None = None,
        since: str | None = None,
        max_pages: str | int | None = None,
        max_depth: str | int | None = None,
        max_age_days: str | int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source_arg = source
        self.sources_dir_arg = sources_dir
        self.domains_arg = split_arg(domains)
        self.since_arg = parse_since(since)
        self.limit_args = {
            key: int(value)
            for key, value in (
                ("max_pages", max_pages),
                ("max_depth", max_depth),
                ("max_age_days", max_age_days),
            )
            if value not in (None, "")
        }
        self.articles_requested = 0
        self.outstanding = 0  # article requests handed to Scrapy and not yet answered
        self.config: SourceConfig = SourceConfig(name="adhoc")
        self.cutoff: datetime | None = None
        # Set by pipeline.crawlstate.extension.CrawlStateExtension when NEWSMILL_INCREMENTAL
        # is on; the extension also records item outcomes and brings parked URLs back.
        self.crawl_state: CrawlStateRepository | None = None

    # --- setup -------------------------------------------------------------------------
    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Newsmill's defaults wherever the spider runs (Scrapyd serving another project, a
        # script): the add-on applies pipeline/settings.py where it is not the project's, and
        # switches on a shared scrapy-redis frontier when NEWSMILL_REDIS_URL is set.
        settings.setdefault_in_component_priority_dict("ADDONS", Newsmill, 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        return spider

    def configure(self, settings: BaseSettings) -> None:
        """Resolve the source config, limits and allowed domains."""
        base = self.load_config(settings)
        overrides = self.adhoc_start_points()
        limits = base.limits
        if self.limit_args:
            limits = CrawlLimits(**{**_limits_dict(limits), **self.limit_args})
        starts = {
            kind: overrides.get(kind, getattr(base, kind))
            for kind in ("feeds", "sitemaps", "sections", "urls")
        }
        domains = self.domains_arg or base.allowed_domains
        if not domains:
            # Ad hoc: the sites of the pages given, else of the feeds/sitemaps; host:port,
            # because local sites may share a host name on different ports.
            pages = starts["sections"] + starts["urls"]
            netlocs = {
                urlsplit(u).netloc.lower() for u in pages or starts["feeds"] + starts["sitemaps"]
            }
            domains = tuple(sorted(n for n in netlocs if n))
        self.config = replace(base, **starts, allowed_domains=domains, limits=limits)
        if not any(getattr(self.config, kind) for kind in self.start_kinds):
            given = f"source {self.source_arg!r} has no {' or '.join(self.start_kinds)}"
            raise NewsmillError(
                f"the {self.name} spider has nothing to crawl: "
                + (
                    given
                    if self.source_arg
                    else f"give -a {self.start_kinds[0]}=URL,… or -a source=NAME"
                )
            )
        # Scrapy's offsite filter knows host names only; on_site() also checks ports.
        self.allowed_domains = sorted({d.partition(":")[0] for d in domains})
        cutoffs = [c for c in (self.since_arg, _age_cutoff(limits.max_age_days)) if c]
        self.cutoff = max(cutoffs) if cutoffs else None
        # The source's own recheck window (`recheck:` in its YAML); a -s given still wins.
        for key, value in self.config.setting_overrides().items():
            settings.set(key, value, priority="spider")

    # Read when used, not when the spider is built: Scrapy builds the spider before the add-on
    # sets Newsmill's defaults (pipeline/settings.py) for crawls that do not load that module.
    @property
    def max_article_pages(self) -> int:
        return self.settings.getint("NEWSMILL_MAX_ARTICLE_PAGES")

    @property
    def max_section_pages(self) -> int:
        return self.settings.getint("NEWSMILL_MAX_SECTION_PAGES")

    @property
    def recheck_batch(self) -> int:
        return self.settings.getint("NEWSMILL_RECHECK_BATCH")

    @property
    def frontier_memory(self) -> int:
        return self.settings.getint("NEWSMILL_FRONTIER_MEMORY")

    def load_config(self, settings: BaseSettings) -> SourceConfig:
        if not self.source_arg:
            return SourceConfig(name="adhoc")
        if self.source_arg.endswith((".yaml", ".yml")) and Path(self.source_arg).is_file():
            return load_source(self.source_arg)
        directory = self.sources_dir_arg or settings.get("NEWSMILL_SOURCES_DIR")
        sources = load_sources(directory)
        if self.source_arg not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise SourceConfigError(
                f"{directory}: no source named {self.source_arg!r} (known: {known})"
            )
        return sources[self.source_arg]

    def adhoc_start_points(self) -> dict[str, tuple[str, ...]]:
        """Start points given as spider arguments; subclasses map their ``-a`` args here."""
        return {}

    @property
    def source_name(self) -> str | None:
        return self.config.name if self.source_arg else None

    # --- start -------------------------------------------------------------------------
    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Any]:
        """Start points of every kind this spider handles, from config and arguments."""
        if "feeds" in self.start_kinds:
            for url in self.config.feeds:
                yield self.index_request(url, "feed", self.parse_feed)
        if "sitemaps" in self.start_kinds:
            for url in self.config.sitemaps:
                yield self.index_request(url, "sitemap", self.parse_sitemap)
        if "sections" in self.start_kinds:
            for url in self.config.sections:
                yield self.index_request(url, "section", self.parse_section)
        if self.crawl_state is not None and self.source_name:
            # Recent stored articles due for a recheck, even if discovery no longer lists them.
            due = self.crawl_state.due_rechecks(self.recheck_batch)
            if due:
                yield from self.article_requests(
                    [ArticleCandidate(url, {"via": "recheck"}) for url in due], depth=0
                )
        if "urls" in self.start_kinds and self.config.urls:
            candidates = [ArticleCandidate(url, {"via": "urls"}) for url in self.config.urls]
            yield from self.article_requests(candidates, depth=0)

    def index_request(
        self, url: str, kind: str, callback: Any, depth: int = 0, **meta: Any
    ) -> scrapy.Request:
        """A request for a feed, sitemap or section page: always fetched, never stored.

        Never dupe-filtered: a dupefilter that outlives the run (scrapy-redis persists it)
        would otherwise skip next run's feeds. Loops are bounded by the callers instead
        (pagination and sitemap nesting limits).
        """
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            dont_filter=True,
            # Feeds and sitemaps may live on another host (a CDN); the pages they list are
            # still checked by on_site().
            meta={META_KIND: kind, META_DEPTH: depth, "allow_offsite": True, **meta},
            priority=10,  # discovery first, so article requests fill the queue early
        )

    # Discovery callbacks; the discovery modules provide them.
    def parse_feed(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError(f"{self.name} does not crawl feeds")

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError(f"{self.name} does not crawl sitemaps")

    def parse_section(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError(f"{self.name} does not crawl section pages")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        return self.parse_article(response)

    # --- articles ----------------------------------------------------------------------
    def on_site(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        return scheme in ("http", "https") and url_allowed(url, self.config.allowed_domains)

    def article_requests(
        self, candidates: Iterable[ArticleCandidate], depth: int
    ) -> Iterator[scrapy.Request]:
        """Requests for article candidates found on one page.

        Off-site, too deep and over-budget candidates are dropped; with incremental state
        the whole batch is looked up (and claimed) in PostgreSQL in one round trip, so no
        seen-set grows in memory and only new or due URLs are fetched.
        """
        limits = self.config.limits
        if limits.max_depth is not None and depth > limits.max_depth:
            self.crawler.stats.inc_value("newsmill/skipped/too_deep")
            return
        batch: dict[str, ArticleCandidate] = {}
        max_url = self.settings.getint("NEWSMILL_MAX_URL_LENGTH")
        for candidate in candidates:
            if max_url and len(candidate.url) > max_url:
                # Before the crawl state sees it: one such URL would fail the whole batch.
                self.crawler.stats.inc_value("newsmill/skipped/url_too_long")
                continue
            if not self.on_site(candidate.url):
                self.crawler.stats.inc_value("newsmill/skipped/offsite")
                continue
            if self.cutoff and not (
                candidate.hints.get("published") or candidate.hints.get("modified")
            ):
                # No date from discovery (a section link): the URL's day, if it has one, is
                # enough to skip old articles without fetching them.
                day = date_from_url(candidate.url)
                if day is not None and day + timedelta(days=1) <= self.cutoff:
                    self.crawler.stats.inc_value("newsmill/skipped/too_old")
                    continue
            batch.setdefault(candidate.url, candidate)
        if not batch:
            return
        if limits.max_pages is not None and self.articles_requested >= limits.max_pages:
            # Budget spent: do not even claim these (other runs may want them).
            self.crawler.stats.inc_value("newsmill/skipped/max_pages", len(batch))
            return
        plans = self.crawl_state.plan(list(batch.values())) if self.crawl_state else None
        parked: list[ParkedRequest] = []
        over_budget: list[str] = []
        for url, candidate in batch.items():
            headers: dict[str, str] = {}
            if plans is not None:
                plan = plans.get(url)
                if plan is None:
                    self.crawler.stats.inc_value("newsmill/skipped/known")
                    continue
                headers = plan.headers
                if plan.recheck:
                    self.crawler.stats.inc_value("newsmill/rechecks")
            if limits.max_pages is not None and self.articles_requested >= limits.max_pages:
                self.crawler.stats.inc_value("newsmill/skipped/max_pages")
                over_budget.append(url)
                continue
            self.articles_requested += 1
            if self.crawl_state is not None and self.outstanding >= self.frontier_memory:
                # Enough requests in memory: the rest wait in PostgreSQL (claimed by this
                # run) and come back in batches when the scheduler runs dry.
                parked.append(ParkedRequest(url, candidate.hints, headers, depth))
                continue
            self.outstanding += 1
            yield self.article_request(url, candidate.hints, headers, depth)
        if over_budget and self.crawl_state is not None:
            self.crawl_state.release(over_budget)
        if parked and self.crawl_state is not None:
            self.crawl_state.park(parked)
            self.crawler.stats.inc_value("newsmill/frontier/parked", len(parked))

    def article_request(
        self, url: str, hints: dict[str, Any], headers: dict[str, str], depth: int
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            headers=headers or None,
            # The crawl-state claim already deduplicates across the run and across
            # processes; only without it does Scrapy's in-memory dupefilter do so.
            dont_filter=self.crawl_state is not None,
            meta={
                META_KIND: "article",
                META_HINTS: hints,
                META_DEPTH: depth,
                # A recheck may come back 304; let it reach the callback.
                "handle_httpstatus_list": [304] if headers else [],
            },
        )

    def parse_article(self, response: Response) -> Iterator[Any]:
        """Yield the article's PageItem, after fetching any further pages of it."""
        stats = self.crawler.stats
        first = response.meta.get(META_PAGES) is None
        if first:
            self.outstanding -= 1
        if response.status == 304:
            stats.inc_value("newsmill/not_modified")
            if self.crawl_state:
                self.crawl_state.record_fetch(
                    _request_url(response), response.status, header_dict(response)
                )
            return
        html = looks_like_html(
            (response.headers.get("Content-Type") or b"").decode("latin-1"), response.body
        )
        if first and self.crawl_state:
            self.crawl_state.record_fetch(
                _request_url(response), response.status, header_dict(response)
            )
        if not html:
            stats.inc_value("newsmill/dropped/not_html")
            if first and self.crawl_state:
                self.crawl_state.record_outcome(
                    _request_url(response), stored=False, published=None, reason="not_html"
                )
            if not first:
                yield from self._finish_article(response.meta[META_PAGES], response.meta)
            return
        page = {
            "url": response.url,
            "body": response.body,
            "headers": header_dict(response),
            "status": response.status,
            "request_url": _request_url(response),
        }
        pages = [*response.meta.get(META_PAGES, []), page]
        following = next_article_page(response)
        seen = {continuation_key(p["url"]) + "|" + p["url"] for p in pages}
        if (
            following
            and len(pages) < self.max_article_pages
            and continuation_key(following) + "|" + following not in seen
        ):
            stats.inc_value("newsmill/article_pages_followed")
            yield response.follow(
                following,
                callback=self.parse_article,
                errback=self.on_article_page_error,
                meta={
                    **{k: response.meta[k] for k in (META_HINTS, META_DEPTH) if k in response.meta},
                    META_KIND: "article_page",
                    META_PAGES: pages,
                },
            )
            return
        yield from self._finish_article(pages, response.meta)

    def on_article_page_error(self, failure: Failure) -> Iterator[Any]:
        """A later page of a multi-page article failed: count it, keep the pages we have."""
        yield from self.on_error(failure) or ()
        request = failure.request  # type: ignore[attr-defined]
        yield from self._finish_article(request.meta[META_PAGES], request.meta)

    def _finish_article(
        self, pages: list[dict[str, Any]], meta: dict[str, Any]
    ) -> Iterator[PageItem]:
        first, rest = pages[0], pages[1:]
        hints = dict(meta.get(META_HINTS) or {})
        if rest:
            hints["pages"] = [
                {"url": p["url"], "body": p["body"], "headers": p["headers"]} for p in rest
            ]
        self.crawler.stats.inc_value("newsmill/articles_fetched")
        yield PageItem(
            url=first["url"],
            body=first["body"],
            status=first["status"],
            headers=first["headers"],
            request_url=first["request_url"],
            fetched_at=datetime.now(UTC),
            source=self.source_name,
            spider=self.name,
            hints=hints,
        )

    # --- errors and state ----------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterator[Any] | None:
        """Count a failed request by kind; never raise (a dead link must not stop a crawl)."""
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get(META_KIND) == "article":
            self.outstanding -= 1
        kind = error_kind(failure)
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.crawler.stats.inc_value("newsmill/skipped/robots")
        elif kind is not None:
            self.crawler.stats.inc_value(f"newsmill/errors/{kind}")
            self.logger.info("%s failed (%s): %s", request.url, kind, failure.getErrorMessage())
        if self.crawl_state and request.meta.get(META_KIND) == "article":
            http_error = failure.check(HttpError) is not None
            status = failure.value.response.status if http_error else None
            # HttpError subclasses IgnoreRequest, but a 404 was fetched: record it (it is
            # rechecked on the gone schedule), don't just release it like a robots.txt skip.
            ignored = failure.check(IgnoreRequest) is not None and not http_error
            # Under the URL that was claimed: the first of a redirect chain.
            claimed = (request.meta.get("redirect_urls") or [request.url])[0]
            self.crawl_state.record_error(claimed, status, ignored, kind)
        return None

    def parked_requests(self, parked: list[ParkedRequest]) -> list[scrapy.Request]:
        """Requests for URLs the crawl state kept parked (the scheduler ran dry)."""
        self.outstanding += len(parked)
        return [self.article_request(p.url, p.hints, p.headers, p.depth) for p in parked]


def _request_url(response: Response) -> str:
    redirects = response.request.meta.get("redirect_urls") if response.request else None
    return redirects[0] if redirects else response.request.url if response.request else response.url


def _age_cutoff(days: int | None) -> datetime | None:
    return datetime.now(UTC) - timedelta(days=days) if days else None


def _limits_dict(limits: CrawlLimits) -> dict[str, int | None]:
    return {
        "max_pages": limits.max_pages,
        "max_depth": limits.max_depth,
        "max_age_days": limits.max_age_days,
    }
