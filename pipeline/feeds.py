"""Scrapy's feed exports (``scrapy crawl … -O articles.jsonl``, FEEDS) write articles, not pages.

The items flowing through the pipelines are fetched pages (raw bytes, headers, a parsed
tree on the way), which no feed format can serialize. This replaces Scrapy's FeedExporter
with one that exports, for each page the store stage wrote, the fields of `newsmill
extract`'s JSON plus ``source`` and ``outcome`` (stored, updated, unchanged,
duplicate_content). The outcome is known only once the writer's batch is committed, so a
scraped page waits here for its write result (the store stage bounds how many are in
flight). Every Scrapy feed format, storage and option works unchanged on these records.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FeedExporter

from pipeline.extraction.render import article_to_dict
from pipeline.items import PageItem
from pipeline.signals import article_written

# A page still waiting for its write result when the crawl ends was not written: spooled to
# disk while the database was away, or refused by the server (counted storage_failed).
NOT_WRITTEN = "not_written"
# With the store stage off (NEWSMILL_STORE_ENABLED=False), every extracted page is exported.
NOT_STORED = "not_stored"


def feed_record(
    item: PageItem, outcome: str, near_duplicate_of: int | None = None
) -> dict[str, Any]:
    """The exported form of a page: its article as `newsmill extract` prints it, and where
    it came from and what storing it did."""
    assert item.article is not None
    record = article_to_dict(item.article)
    record["canonical_url"] = item.canonical_url or record["canonical_url"]
    record["source"] = item.source
    record["outcome"] = outcome
    record["near_duplicate_of"] = near_duplicate_of
    return record


class ArticleFeedExporter(FeedExporter):
    """Scrapy's FeedExporter, fed one article record per written page."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        exporter = cls(crawler)
        crawler.signals.connect(exporter.open_spider, signals.spider_opened)
        crawler.signals.connect(exporter.close_spider, signals.spider_closed)
        crawler.signals.connect(exporter.page_scraped, signals.item_scraped)
        crawler.signals.connect(exporter.article_written, article_written)
        return exporter

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.storing = crawler.settings.getbool("NEWSMILL_STORE_ENABLED")
        self._spider: Spider | None = None
        # Pages and write results meet by canonical URL, in either order: a result can
        # come first when the store stage held the page back while the writer caught up.
        self._pages: defaultdict[str, deque[PageItem]] = defaultdict(deque)
        self._results: defaultdict[str, deque[Any]] = defaultdict(deque)

    def open_spider(self, spider: Spider) -> None:
        self._spider = spider
        super().open_spider(spider)

    def page_scraped(self, item: Any, spider: Spider) -> None:
        if not isinstance(item, PageItem):
            self.item_scraped(item, spider)  # another project's item: Scrapy's behaviour
            return
        if item.article is None:
            return
        if not self.storing:
            self.item_scraped(feed_record(item, NOT_STORED), spider)
            return
        key = item.canonical_url or item.url
        if self._results[key]:
            self._export(item, self._results[key].popleft())
        else:
            self._pages[key].append(item)

    def article_written(self, result: Any) -> None:
        key = result.record.canonical_url
        if self._pages[key]:
            self._export(self._pages[key].popleft(), result)
        else:
            self._results[key].append(result)

    def _export(self, item: PageItem, result: Any) -> None:
        assert self._spider is not None
        record = feed_record(item, result.outcome.value, result.near_duplicate_of)
        self.item_scraped(record, self._spider)

    def export_unwritten(self, spider: Spider) -> None:
        """Export the pages no write result came for (the store stage has closed)."""
        for pages in self._pages.values():
            for item in pages:
                self.item_scraped(feed_record(item, NOT_WRITTEN), spider)
        self._pages.clear()
        self._results.clear()

    async def close_spider(self, spider: Spider) -> None:
        # The store stage's final flush ran before spider_closed, so every result is in.
        self.export_unwritten(spider)
        await super().close_spider(spider)
