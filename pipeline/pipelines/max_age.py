"""Max-age stage: drop an article whose own page dates it before the crawl's cutoff.

Discovery skips links that feeds, sitemaps or URLs date too old (``limits.max_age_days``,
``-a since=``) before fetching them; a page can still say it is older than its link did
(a URL carrying a newer date, an undated feed entry). Extraction has read the page's own
date by now, so the same cutoff is applied once more, counted as the drop ``too_old``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self

from scrapy.crawler import Crawler

from pipeline.errors import TooOld
from pipeline.items import PageItem


def published_before(published: datetime | None, cutoff: datetime | None) -> bool:
    """Whether an article dated ``published`` is older than ``cutoff`` (naive times as UTC).

    An article without a date is never too old: there is nothing to judge it by.
    """
    if published is None or cutoff is None:
        return False
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published < cutoff


class MaxAgePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        # The spider's cutoff: the later of -a since= and now minus limits.max_age_days.
        cutoff = getattr(self.crawler.spider, "cutoff", None)
        published = item.article.published if item.article is not None else None
        if published_before(published, cutoff):
            raise TooOld(f"{item.url}: published {published:%Y-%m-%d}, before {cutoff:%Y-%m-%d}")
        return item
