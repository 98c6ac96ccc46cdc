"""Clean stage: decode the bytes, parse, read metadata, strip site chrome."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler

from pipeline.errors import ExtractionFailed, NotHtml
from pipeline.extraction import ExtractionError, NotHtmlError, prepare_page
from pipeline.items import PageItem
from pipeline.pipelines.sourcing import SourceLookup

logger = logging.getLogger(__name__)


class CleanPipeline:
    def __init__(self, sources: SourceLookup) -> None:
        self.sources = sources

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(SourceLookup(crawler))

    def process_item(self, item: PageItem) -> PageItem:
        source = self.sources.get(item.source)
        try:
            item.prepared = prepare_page(item.body, item.url, headers=item.headers, source=source)
        except NotHtmlError as exc:
            raise NotHtml(f"{item.url}: {exc}") from exc
        except ExtractionError as exc:
            raise ExtractionFailed(f"{item.url}: {exc}") from exc
        except Exception as exc:  # a parser bug on one page must not stop the crawl
            logger.exception("cleaning crashed on %s", item.url)
            raise ExtractionFailed(f"{item.url}: {type(exc).__name__}: {exc}") from exc
        return item
