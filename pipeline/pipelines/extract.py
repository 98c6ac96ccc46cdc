"""Extract stage: the article (title, body, authors, dates, images …) from the cleaned page."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler

from pipeline.errors import ExtractionFailed, NoArticle
from pipeline.extraction import ExtractionError, extract_article
from pipeline.items import PageItem
from pipeline.pipelines.sourcing import sources_from_settings
from pipeline.sources import SourceConfig

logger = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(self, sources: dict[str, SourceConfig], min_text_chars: int) -> None:
        self.sources = sources
        self.min_text_chars = min_text_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            sources_from_settings(crawler.settings),
            crawler.settings.getint("NEWSMILL_MIN_TEXT_CHARS", 80),
        )

    def process_item(self, item: PageItem) -> PageItem:
        if item.prepared is None:
            raise ExtractionFailed(f"{item.url}: the clean stage did not run")
        source = self.sources.get(item.source or "")
        try:
            article = extract_article(
                item.prepared, source=source, fetched_at=item.fetched_at, hints=item.hints
            )
        except ExtractionError as exc:
            raise ExtractionFailed(f"{item.url}: {exc}") from exc
        except Exception as exc:
            logger.exception("extraction crashed on %s", item.url)
            raise ExtractionFailed(f"{item.url}: {type(exc).__name__}: {exc}") from exc
        finally:
            item.prepared = None  # the tree is large; free it before storage batches items
        if len(article.text.strip()) < self.min_text_chars:
            raise NoArticle(f"{item.url}: {len(article.text.strip())} characters of text")
        item.article = article
        return item
