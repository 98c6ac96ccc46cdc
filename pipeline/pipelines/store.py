"""Store stage: batched upserts into PostgreSQL; the database's constraints decide duplicates.

Writes are batched by size and by time (a reactor timer) and flushed on spider close.
Each run is recorded in crawl_runs with its final stats.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from pipeline.db.runs import finish_run, start_run
from pipeline.db.session import get_engine, resolve_database_url
from pipeline.db.writer import (
    ArticleRecord,
    ArticleWriter,
    StorageUnavailable,
    WriteOutcome,
    WriteResult,
)
from pipeline.errors import ExtractionFailed, StorageFailed
from pipeline.items import PageItem

logger = logging.getLogger(__name__)

_OUTCOME_STAT = {
    WriteOutcome.STORED: "newsmill/stored",
    WriteOutcome.UPDATED: "newsmill/updated",
    WriteOutcome.UNCHANGED: "newsmill/duplicates/url",
    WriteOutcome.DUPLICATE_CONTENT: "newsmill/duplicates/content",
}


def record_from_item(item: PageItem) -> ArticleRecord:
    article = item.article
    if article is None or item.canonical_url is None or item.content_hash is None:
        raise ExtractionFailed(f"{item.url}: item reached storage without article or keys")
    return ArticleRecord(
        source=item.source,
        url=item.url,
        canonical_url=item.canonical_url,
        url_keys=tuple(item.url_keys or [item.canonical_url]),
        content_hash=item.content_hash,
        title=article.title,
        text=article.text,
        html=article.html,
        lead=article.lead,
        authors=tuple(article.authors),
        published=article.published,
        modified=article.modified,
        language=article.language,
        images=tuple(asdict(image) for image in article.images),
        categories=tuple(article.categories),
        tags=tuple(article.tags),
        source_name=article.source_name,
        simhash=item.simhash,
        word_count=article.word_count,
        http_status=item.status,
        etag=item.headers.get("etag"),
        last_modified=item.headers.get("last-modified"),
        fetched_at=item.fetched_at,
    )


class StorePipeline:
    def __init__(
        self, crawler: Crawler, database_url: str, batch_size: int, flush_seconds: float
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = database_url
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.engine: Any = None
        self.writer: ArticleWriter | None = None
        self.run_id: int | None = None
        self._timer: task.LoopingCall | None = None
        self._rejected_seen = 0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSMILL_STORE_ENABLED", True):
            raise NotConfigured("NEWSMILL_STORE_ENABLED is off")
        url = resolve_database_url(settings.get("NEWSMILL_DATABASE_URL") or None)
        return cls(
            crawler,
            url,
            settings.getint("NEWSMILL_STORE_BATCH_SIZE", 200),
            settings.getfloat("NEWSMILL_STORE_FLUSH_SECONDS", 2.0),
        )

    def spider_opened(self, spider: Any) -> None:
        self.engine = get_engine(self.database_url)
        self.writer = ArticleWriter(
            self.engine, batch_size=self.batch_size, flush_seconds=self.flush_seconds
        )
        source = getattr(spider, "source_name", None)
        self.run_id = start_run(self.engine, spider.name, source)
        self._timer = task.LoopingCall(self._flush_if_due)
        self._timer.start(max(self.flush_seconds / 2, 0.1), now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        if self.writer is not None:
            self._guarded(self.writer.flush)
            self.writer.close()
        if self.run_id is not None and self.engine is not None:
            stats = {k: _jsonable(v) for k, v in self.stats.get_stats().items()}
            status = "finished" if reason == "finished" else reason
            try:
                finish_run(self.engine, self.run_id, status, stats)
            except Exception:  # the crawl's data is already written or spooled
                logger.exception("could not record the end of crawl run %s", self.run_id)
        if self.engine is not None:
            self.engine.dispose()

    def process_item(self, item: PageItem) -> PageItem:
        if self.writer is None:
            raise StorageFailed("the store stage was not opened")
        record = record_from_item(item)
        self._guarded(lambda: self.writer.add(record))  # type: ignore[union-attr]
        # The body and tree are stored or queued; keep the item light for other consumers.
        item.body = b""
        return item

    def _flush_if_due(self) -> None:
        if self.writer is not None:
            self._guarded(self.writer.flush_if_due)

    def _guarded(self, write: Any) -> None:
        try:
            self._count(write())
        except StorageUnavailable as exc:
            # The writer spooled the batch to disk; it is replayed on the next start.
            self.stats.inc_value("newsmill/spooled", exc.count)
            logger.error("database unavailable, %d articles spooled to %s", exc.count, exc.path)

    def _count(self, results: list[WriteResult]) -> None:
        for result in results:
            self.stats.inc_value(_OUTCOME_STAT[result.outcome])
        if self.writer is not None and self.writer.rejected > self._rejected_seen:
            # Rows the server refused (the writer isolated and logged each one).
            self.stats.inc_value(
                "newsmill/dropped/storage_failed", self.writer.rejected - self._rejected_seen
            )
            self._rejected_seen = self.writer.rejected


def _jsonable(value: Any) -> Any:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
