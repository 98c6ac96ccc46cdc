"""Crawl-state bookkeeping beside the crawl, as Scrapy keeps spider state in an extension.

The spider only discovers and fetches: it asks the repository what to fetch and records what
each fetch answered. This extension opens the repository for the run, records what the item
pipelines made of each page, brings parked URLs back when the scheduler runs dry, and closes
the repository (flushing its buffers, releasing unfetched claims) when the spider closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from pipeline.crawlstate.configure import open_crawl_state
from pipeline.crawlstate.repository import CrawlStateRepository, ParkedRequest
from pipeline.items import PageItem


class IncrementalSpider(Protocol):
    """What a spider offers to take part in incremental crawling (spiders.base.NewsSpider)."""

    crawl_state: CrawlStateRepository | None

    @property
    def frontier_memory(self) -> int: ...

    @property
    def source_name(self) -> str | None: ...

    def parked_requests(self, parked: list[ParkedRequest]) -> Iterable[Request]: ...


def stores_articles(settings: BaseSettings) -> bool:
    """Whether this crawl's item pipelines end in Newsmill's store stage."""
    if not settings.getbool("NEWSMILL_STORE_ENABLED"):
        return False
    from pipeline.pipelines.store import StorePipeline

    for path in build_component_list(settings.getwithbase("ITEM_PIPELINES")):
        component = load_object(path) if isinstance(path, str) else path
        if isinstance(component, type) and issubclass(component, StorePipeline):
            return True
    return False


class CrawlStateExtension:
    def __init__(self, crawler: Crawler, spider: IncrementalSpider, state: CrawlStateRepository):
        self.crawler = crawler
        self.spider = spider
        self.state = state
        # With the store stage, "stored" is marked by the article writer in the transaction
        # that stores the page; an item that left the pipelines is not yet in the database.
        self.mark_scraped_stored = not stores_articles(crawler.settings)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        spider: Any = getattr(crawler, "spider", None)
        if spider is None or not hasattr(spider, "parked_requests"):
            raise NotConfigured("not a Newsmill spider")
        # Opened while the crawler is built: an unreachable database or a missing table
        # fails the crawl before anything is fetched.
        state = open_crawl_state(crawler.settings, source=spider.source_name)
        if state is None:
            raise NotConfigured("NEWSMILL_INCREMENTAL is off")
        spider.crawl_state = state
        return cls(crawler, spider, state)

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        if self.mark_scraped_stored and isinstance(item, PageItem):
            article = item.article
            published = article.published if article else item.hints.get("published")
            self.state.record_outcome(
                item.request_url or item.url, stored=True, published=published
            )

    def item_dropped(self, item: Any, exception: Exception, **kwargs: Any) -> None:
        if isinstance(item, PageItem):
            reason = getattr(exception, "reason", None) or type(exception).__name__
            self.state.record_outcome(
                item.request_url or item.url, stored=False, published=None, reason=reason
            )

    def spider_idle(self, **kwargs: Any) -> None:
        """Scheduler dry: bring back the next batch of parked article URLs, if any."""
        parked = self.state.unpark(self.spider.frontier_memory)
        if not parked:
            return
        self.crawler.stats.inc_value("newsmill/frontier/unparked", len(parked))
        assert self.crawler.engine is not None
        for request in self.spider.parked_requests(parked):
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def spider_closed(self, **kwargs: Any) -> None:
        self.state.close()
