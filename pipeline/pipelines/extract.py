"""Extract stage: the article (title, body, authors, dates, images …) from the cleaned page."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler

from pipeline.errors import ExtractionFailed, NoArticle
from pipeline.extraction import extract, extract_article
from pipeline.items import Article, PageItem
from pipeline.pipelines.clean import extraction_drops, page_hints
from pipeline.pipelines.sourcing import SourceLookup

logger = logging.getLogger(__name__)


def merge_page(article: Article, page: Article) -> None:
    """Append a following page of a multi-page article (the spider fetched it) to the first."""
    if page.text.strip():
        article.text = f"{article.text.rstrip()}\n\n{page.text.strip()}"
        article.html = f"{article.html}\n{page.html}"
        article.word_count += page.word_count
    seen = {image.src for image in article.images}
    article.images.extend(image for image in page.images if image.src not in seen)


class ExtractPipeline:
    def __init__(self, sources: SourceLookup, min_text_chars: int) -> None:
        self.sources = sources
        self.min_text_chars = min_text_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            SourceLookup(crawler),
            crawler.settings.getint("NEWSMILL_MIN_TEXT_CHARS", 80),
        )

    def process_item(self, item: PageItem) -> PageItem:
        source = self.sources.get(item.source)
        with extraction_drops(item, "extraction"):
            if item.article is None:  # extracted in this process (no worker pool)
                if item.prepared is None:
                    raise ExtractionFailed(f"{item.url}: the clean stage did not run")
                try:
                    item.article = extract_article(
                        item.prepared,
                        source=source,
                        fetched_at=item.fetched_at,
                        hints=page_hints(item),
                    )
                finally:
                    item.prepared = None  # the tree is large; free it before storage batches items
            for page in item.hints.get("pages") or ():
                item.content_hash = item.simhash = None  # the text grows: fingerprint it again
                merge_page(
                    item.article,
                    extract(page["body"], page["url"], headers=page.get("headers"), source=source),
                )
        chars = len(item.article.text.strip())
        if chars < self.min_text_chars:
            raise NoArticle(f"{item.url}: {chars} characters of text")
        return item
