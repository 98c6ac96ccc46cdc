"""Source spider: every start point of one source — feeds, sitemaps, sections and URLs.

``scrapy crawl source -a source=NAME`` (or ``-a name=NAME``, but Scrapyd reserves ``name``:
schedule with ``-d source=NAME``); ``newsmill crawl --source NAME``.
"""

from __future__ import annotations

from typing import Any

from pipeline.errors import NewsmillError
from spiders.base import NewsSpider
from spiders.feed import FeedMixin
from spiders.section import SectionMixin
from spiders.sitemap import SitemapMixin
from spiders.urls import UrlsMixin


class SourceSpider(FeedMixin, SitemapMixin, SectionMixin, UrlsMixin, NewsSpider):
    name = "source"
    start_kinds = ("feeds", "sitemaps", "sections", "urls")

    def __init__(
        self, *args: Any, name: str | None = None, source: str | None = None, **kwargs: Any
    ) -> None:
        # ``-a name=NAME`` names the source; the spider keeps its own name "source".
        super().__init__(*args, source=source or name, **kwargs)
        if not self.source_arg:
            raise NewsmillError(
                "the source spider needs -a source=NAME (a sources/*.yaml name; -a name= also works)"
            )
