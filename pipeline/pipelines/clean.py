"""Clean stage: decode the bytes, parse, read metadata, strip site chrome.

With NEWSMILL_EXTRACT_WORKERS > 0 the page goes to a worker process here and comes back
extracted (the extract stage then only checks it); otherwise the prepared tree is handed
to the extract stage in this process.

A worker that dies (killed, out of memory, a crash in C) breaks the pool and fails every
page in flight. Those pages are retried one at a time in a fresh pool, so a page that
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

from pipeline.errors import ExtractionFailed, NotHtml, PageDropped, WorkerCrashed
from pipeline.extraction import ExtractionError, NotHtmlError, prepare_page
from pipeline.items import PageItem
from pipeline.pipelines.sourcing import SourceLookup
from pipeline.pipelines.workers import ExtractorPool, worker_count

logger = logging.getLogger(__name__)

# Lone retries of a page whose worker died before it is dropped as worker_crashed.
_RETRIES = 2


def page_hints(item: PageItem) -> dict[str, Any]:
    """Discovery hints for extraction; the raw bytes of later pages stay out."""
    return {k: v for k, v in item.hints.items() if k != "pages"}


@contextmanager
def extraction_drops(item: PageItem, stage: str) -> Iterator[None]:
    """Turn whatever extraction raises into a counted drop: one bad page never stops a crawl."""
    try:
        yield
    except PageDropped:
        raise  # already a counted drop
    except NotHtmlError as exc:
        raise NotHtml(f"{item.url}: {exc}") from exc
    except ExtractionError as exc:
        raise ExtractionFailed(f"{item.url}: {exc}") from exc
    except Exception as exc:
        logger.exception("%s crashed on %s", stage, item.url)
        raise ExtractionFailed(f"{item.url}: {type(exc).__name__}: {exc}") from exc


class CleanPipeline:
    def __init__(self, crawler: Crawler, sources: SourceLookup, workers: int) -> None:
        self.sources = sources
        self.workers = workers
        self.stats = crawler.stats
        self.pool: ExtractorPool | None = None
        self._retry_alone = asyncio.Lock()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        workers = worker_count(crawler.settings.get("NEWSMILL_EXTRACT_WORKERS"))
        return cls(crawler, SourceLookup(crawler), workers)

    def spider_opened(self, spider: Any) -> None:
        if self.workers:
            self.pool = ExtractorPool(self.workers)

    def spider_closed(self, spider: Any) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    async def process_item(self, item: PageItem) -> PageItem:
        source = self.sources.get(item.source)
        page = {
            "headers": item.headers,
            "source": source,
            "fetched_at": item.fetched_at,
            "hints": page_hints(item),
        }
        with extraction_drops(item, "cleaning"):
            extracted = await self._in_worker(item, page) if self.pool is not None else None
            if extracted is not None:
                item.article, item.content_hash, item.simhash = extracted
            else:
                item.prepared = prepare_page(item.body, item.url, **page)
        return item

    async def _in_worker(self, item: PageItem, page: dict[str, Any]) -> Any:
        """The page extracted by a worker, or None to extract it in this process."""
        pool = self.pool
        assert pool is not None
        try:
            return await pool.extract(item.body, item.url, **page)
        except BrokenProcessPool:
            pass
        # Retries go one at a time. Pages that did not fail keep flowing to the new pool,
        # so a retry can break because of another page: a page is blamed only when its
        # own retries broke a fresh, healthy pool _RETRIES times.
        async with self._retry_alone:
            for _ in range(_RETRIES):
                if self.pool is None:  # workers were given up while this page waited
                    return None
                if self.pool is pool:  # the first page back from a broken pool replaces it
                    self._replace_pool()
                pool = self.pool
                try:
                    return await pool.extract(item.body, item.url, **page)
                except BrokenProcessPool:
                    pass
                self._replace_pool()
                if not await self.pool.healthy():
                    self._give_up_workers()
                    return None
            raise WorkerCrashed(f"{item.url}: the extraction worker died on it {_RETRIES} times")

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
