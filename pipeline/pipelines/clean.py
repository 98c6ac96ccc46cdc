"""Clean stage: decode the bytes, parse, read metadata, strip site chrome.

With NEWSMILL_EXTRACT_WORKERS > 0 the page goes to a worker process here and comes back
extracted (the extract stage then only checks it); otherwise the prepared tree is handed
to the extract stage in this process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler

from pipeline.errors import ExtractionFailed, NotHtml, PageDropped
from pipeline.extraction import ExtractionError, NotHtmlError, prepare_page
from pipeline.items import PageItem
from pipeline.pipelines.sourcing import SourceLookup
from pipeline.pipelines.workers import ExtractorPool, worker_count

logger = logging.getLogger(__name__)


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
        self.pool: ExtractorPool | None = None
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
            if self.pool is not None:
                extracted = await self.pool.extract(item.body, item.url, **page)
                item.article, item.content_hash, item.simhash = extracted
            else:
                item.prepared = prepare_page(item.body, item.url, **page)
        return item
