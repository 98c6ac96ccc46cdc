"""Store stage: batched upserts into PostgreSQL; the database's constraints decide duplicates.

Writes are batched by size and by time (a reactor timer) and flushed when the spider
closes. Every writer call runs on one thread of its own, in order, so the reactor keeps
fetching and extracting while PostgreSQL works on a batch (a batch of 200 takes tens of
milliseconds, and seconds of retries when the server is away). If writes fall behind,
``process_item`` waits, which holds Scrapy's item processing back instead of queueing
without bound. Each run is recorded in crawl_runs with its final stats.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.exc import DBAPIError
from twisted.internet import defer, task, threads
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from pipeline.db.records import ArticleRecord, WriteOutcome, WriteResult
from pipeline.db.runs import finish_run, start_run
from pipeline.db.session import get_engine
from pipeline.db.target import DatabaseTarget, database_target
from pipeline.db.writer import ArticleWriter, NothingWritable, StorageUnavailable
from pipeline.errors import ExtractionFailed, StorageFailed
from pipeline.items import PageItem
from pipeline.signals import article_written

logger = logging.getLogger(__name__)

# Records handed to the writer's thread at once (the timer hands over fewer).
_CHUNK = 50

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
        content_hash=item.content_hash,
        article=article,
        url_keys=tuple(item.url_keys or [item.canonical_url]),
        simhash=item.simhash,
        minhash=item.story.minhashes if item.story and not item.story.empty else None,
        story_bands=item.story.bands if item.story else (),
        http_status=item.status,
        etag=item.headers.get("etag"),
        last_modified=item.headers.get("last-modified"),
        fetched_at=item.fetched_at,
        state_url=item.request_url or item.url,
    )


class StorePipeline:
    def __init__(
        self,
        crawler: Crawler,
        target: DatabaseTarget,
        batch_size: int,
        flush_seconds: float,
        near_duplicate_bits: int,
    ) -> None:
        self.crawler = crawler
        self.near_duplicate_bits = near_duplicate_bits
        self.stats = crawler.stats
        self.target = target
        # Resolved now, not when the spider opens: an embedded server that cannot start
        # fails the crawl before anything is fetched.
        self.database_url = target.connect_url()
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.engine: Any = None
        self.writer: ArticleWriter | None = None
        self.run_id: int | None = None
        self._timer: task.LoopingCall | None = None
        self._rejected_seen = 0
        # Set when neither the database nor the spool can take articles: the crawl stops.
        self.unwritable: NothingWritable | None = None
        # The writer's own thread, records handed to it and not yet written, and items
        # waiting for it to catch up. Records cross to the thread in chunks (one thread hop
        # per chunk, not per item); the timer hands over a partial chunk.
        self._thread: ThreadPool | None = None
        self._chunk: list[ArticleRecord] = []
        self._queued = 0
        self._max_queued = 2 * batch_size
        self._waiting: list[defer.Deferred[None]] = []
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSMILL_STORE_ENABLED"):
            raise NotConfigured("NEWSMILL_STORE_ENABLED is off")
        return cls(
            crawler,
            database_target(settings),
            settings.getint("NEWSMILL_STORE_BATCH_SIZE"),
            settings.getfloat("NEWSMILL_STORE_FLUSH_SECONDS"),
            settings.getint("NEWSMILL_NEAR_DUPLICATE_BITS"),
        )

    def spider_opened(self, spider: Any) -> None:
        self.engine = get_engine(self.database_url)
        self.writer = ArticleWriter(
            self.engine,
            spool_dir=self.target.spool_dir,
            batch_size=self.batch_size,
            flush_seconds=self.flush_seconds,
            near_duplicate_bits=self.near_duplicate_bits,
        )
        # Imported here, not at module level: Scrapy installs its reactor before spiders open.
        from twisted.internet import reactor

        self._reactor: Any = reactor
        self._thread = ThreadPool(1, 1, name="newsmill-store")
        self._thread.start()
        self._timer = task.LoopingCall(self._flush_if_due)
        self._timer.start(max(self.flush_seconds / 2, 0.1), now=False)
        source = getattr(spider, "source_name", None)
        try:
            self.run_id = start_run(self.engine, spider.name, source)
        except DBAPIError as exc:
            # The articles still go through the writer, which spools them while the
            # database is away; only this run's crawl_runs row is missing.
            logger.error("could not record the start of this crawl run: %s", exc.orig or exc)

    async def close_spider(self) -> None:
        """Write what is queued; Scrapy waits for this before the spider_closed signal."""
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        if self.writer is None or self._thread is None:
            return
        try:
            self._hand_over()
            await maybe_deferred_to_future(self._submit(self.writer.close))
        finally:
            self._thread.stop()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.run_id is not None and self.engine is not None:
            stats = {k: _jsonable(v) for k, v in self.stats.get_stats().items()}
            status = "finished" if reason == "finished" else reason
            try:
                finish_run(self.engine, self.run_id, status, stats)
            except Exception:  # the crawl's data is already written or spooled
                logger.exception("could not record the end of crawl run %s", self.run_id)
        if self.engine is not None:
            self.engine.dispose()

    async def process_item(self, item: PageItem) -> PageItem:
        if self.writer is None:
            raise StorageFailed("the store stage was not opened")
        if self.unwritable is not None:
            # The crawl is stopping; this page is not marked stored, so the next run fetches it.
            self.stats.inc_value("newsmill/unwritable")
            raise StorageFailed("neither the database nor the spool can take articles")
        self._chunk.append(record_from_item(item))
        if len(self._chunk) >= _CHUNK:
            self._hand_over()
        # The body and tree are stored or queued; keep the item light for other consumers.
        item.body = b""
        if self._queued > self._max_queued:
            waiting: defer.Deferred[None] = defer.Deferred()
            self._waiting.append(waiting)
            await maybe_deferred_to_future(waiting)
        return item

    def _flush_if_due(self) -> None:
        if self.writer is None:
            return
        self._hand_over()
        if self._queued == 0:
            self._submit(self.writer.flush_if_due)

    def _hand_over(self) -> None:
        """Give the records collected so far to the writer's thread."""
        if self._chunk and self.writer is not None:
            chunk, self._chunk = self._chunk, []
            self._submit(self.writer.add_all, chunk, count=len(chunk))

    def _submit(
        self, call: Callable[..., list[WriteResult]], *args: Any, count: int = 1
    ) -> defer.Deferred[None]:
        """Run a writer call on the writer's thread; count its results back on the reactor."""
        assert self._thread is not None
        self._queued += count
        done = threads.deferToThreadPool(self._reactor, self._thread, _spooling, call, *args)
        return done.addBoth(self._written, count)

    def _written(
        self,
        outcome: tuple[list[WriteResult], StorageUnavailable | NothingWritable | None] | Failure,
        count: int,
    ) -> None:
        self._queued -= count
        if isinstance(outcome, Failure):
            # A bug in the writer, not the database's state (that spools): log it and
            # count it so the run's summary shows it, as Scrapy does for a failing item.
            self.stats.inc_value(f"newsmill/errors/pipeline/{outcome.type.__name__}")
            logger.error("article writer failed", exc_info=outcome.value)
        else:
            results, spooled = outcome
            self._count(results)
            if isinstance(spooled, NothingWritable):
                self._stop(spooled)
            elif spooled is not None:
                # The writer spooled the batch to disk; it is replayed on the next start.
                self.stats.inc_value("newsmill/spooled", spooled.count)
                logger.error(
                    "database unavailable, %d articles spooled to %s", spooled.count, spooled.path
                )
        while self._waiting and self._queued <= self._max_queued:
            self._waiting.pop(0).callback(None)

    def _stop(self, exc: NothingWritable) -> None:
        """Nothing can be kept: stop fetching, say why once, and make the run fail."""
        self.stats.inc_value("newsmill/unwritable", exc.count)
        if self.unwritable is not None:
            return
        self.unwritable = exc
        logger.error("%s", exc)
        from scrapy.utils.defer import deferred_from_coro

        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_unavailable"))

    def _count(self, results: list[WriteResult]) -> None:
        for result in results:
            self.stats.inc_value(_OUTCOME_STAT[result.outcome])
            # Feed exports (pipeline/feeds.py) write each page with its outcome.
            self.crawler.signals.send_catch_log(article_written, result=result)
            if result.near_duplicate_of is not None:
                # Stored (another source's copy is kept), but marked as nearly repeating it.
                self.stats.inc_value("newsmill/duplicates/near")
        if self.writer is not None and self.writer.rejected > self._rejected_seen:
            # Rows the server refused (the writer isolated and logged each one).
            self.stats.inc_value(
                "newsmill/dropped/storage_failed", self.writer.rejected - self._rejected_seen
            )
            self._rejected_seen = self.writer.rejected


def unwritable_message(count: int) -> str:
    """The one line a crawl stopped by NothingWritable ends with."""
    return (
        f"{count} fetched articles could be neither stored nor spooled (the database and the "
        "spool are both unavailable); the crawl stopped early. Those pages are not marked "
        "stored: run the crawl again once the database or the spool's disk is back"
    )


def _spooling(
    call: Callable[..., list[WriteResult]], *args: Any
) -> tuple[list[WriteResult], StorageUnavailable | NothingWritable | None]:
    # On the writer's thread: a spooled batch is an outcome to report, not an error, and so
    # is a batch that could be neither written nor spooled (the crawl stops on it).
    try:
        return call(*args), None
    except StorageUnavailable as exc:
        return exc.results, exc
    except NothingWritable as exc:
        return exc.results, exc


def _jsonable(value: Any) -> Any:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
