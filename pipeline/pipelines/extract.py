"""Strip-and-extract stage: a fetched article becomes an ``Article`` with the site's chrome
stripped, every page of it merged, and the fingerprints of its text.

Each item is one job (first page, later pages, headers, source, fetch time, hints) for
``extraction_job.extract_job``, which runs in a worker process when
NEWSMILL_EXTRACT_WORKERS > 0 and here otherwise: the same function and the same result
either way. This stage then makes the one judgement on the result: too little text is not
an article (no_article, NEWSMILL_MIN_TEXT_CHARS).

A worker that dies (killed, out of memory, a crash in C) breaks the pool and fails every
article in flight. Those are retried one at a time in a fresh pool, so an article that
keeps killing the worker is the only one dropped (worker_crashed). If a fresh worker cannot
even run a no-op task, workers cannot start here (for example a script without an
``if __name__ == "__main__"`` guard): extraction continues in the crawler process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler

from pipeline.errors import ExtractionFailed, NoArticle, NotHtml, PageDropped, WorkerCrashed
from pipeline.extraction import ExtractionError, NotHtmlError
from pipeline.items import PageItem
from pipeline.pipelines.extraction_job import ArticleJob, ExtractedArticle, extract_job
from pipeline.pipelines.extraction_pool import ExtractorPool, worker_count
from pipeline.pipelines.sourcing import SourceLookup

logger = logging.getLogger(__name__)

# Lone retries of an article whose worker died before it is dropped as worker_crashed.
_RETRIES = 2


@contextmanager
def _counted_drops(url: str) -> Iterator[None]:
    """Turn whatever extraction raises into a counted drop: one bad page never stops a crawl."""
    try:
        yield
    except PageDropped:
        raise  # already a counted drop
    except NotHtmlError as exc:
        raise NotHtml(f"{url}: {exc}") from exc
    except ExtractionError as exc:
        raise ExtractionFailed(f"{url}: {exc}") from exc
    except Exception as exc:
        logger.exception("extraction crashed on %s", url)
        raise ExtractionFailed(f"{url}: {type(exc).__name__}: {exc}") from exc


class StripAndExtractPipeline:
    def __init__(
        self, crawler: Crawler, sources: SourceLookup, workers: int, min_text_chars: int
    ) -> None:
        self.sources = sources
        self.workers = workers
        self.min_text_chars = min_text_chars
        self.stats = crawler.stats
        self.pool: ExtractorPool | None = None
        self._retry_alone = asyncio.Lock()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            crawler,
            SourceLookup(crawler),
            worker_count(settings.get("NEWSMILL_EXTRACT_WORKERS")),
            settings.getint("NEWSMILL_MIN_TEXT_CHARS"),
        )

    def spider_opened(self, spider: Any) -> None:
        if self.workers:
            self.pool = ExtractorPool(self.workers)

    def spider_closed(self, spider: Any) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    async def process_item(self, item: PageItem) -> PageItem:
        job = ArticleJob.for_item(item, self.sources.get(item.source))
        with _counted_drops(item.url):
            extracted = await self._in_worker(job) if self.pool is not None else None
            if extracted is None:
                extracted = extract_job(job)
        if extracted.unreadable_pages:
            self.stats.inc_value(
                "newsmill/article_pages_unreadable", len(extracted.unreadable_pages)
            )
        item.article = extracted.article
        item.content_hash, item.simhash = extracted.content_hash, extracted.simhash
        item.story = extracted.story
        chars = len(item.article.text.strip())
        if chars < self.min_text_chars:
            raise NoArticle(f"{item.url}: {chars} characters of text")
        return item

    async def _in_worker(self, job: ArticleJob) -> ExtractedArticle | None:
        """The job's result from a worker, or None to run it in this process."""
        pool = self.pool
        assert pool is not None
        try:
            return await pool.extract(job)
        except BrokenProcessPool:
            pass
        # Retries go one at a time. Articles that did not fail keep flowing to the new pool,
        # so a retry can break because of another article: one is blamed only when its own
        # retries broke a fresh, healthy pool _RETRIES times.
        async with self._retry_alone:
            for _ in range(_RETRIES):
                if self.pool is None:  # workers were given up while this article waited
                    return None
                if self.pool is pool:  # the first article back from a broken pool replaces it
                    self._replace_pool()
                pool = self.pool
                try:
                    return await pool.extract(job)
                except BrokenProcessPool:
                    pass
                self._replace_pool()
                if not await self.pool.healthy():
                    self._give_up_workers()
                    return None
            raise WorkerCrashed(f"{job.url}: the extraction worker died on it {_RETRIES} times")

    def _give_up_workers(self) -> None:
        logger.error(
            "extraction workers die before doing any work; extracting in the crawler process "
            'instead (running Newsmill from a script? put the crawl under if __name__ == "__main__":)'
        )
        self.stats.set_value("newsmill/extract_workers/given_up", 1)
        if self.pool is not None:
            self.pool.close()
        self.pool = None

    def _replace_pool(self) -> None:
        self.stats.inc_value("newsmill/extract_workers/restarts")
        logger.warning("an extraction worker died; starting a new one")
        if self.pool is not None:
            self.pool.close()
        self.pool = ExtractorPool(self.workers)
