"""Validate stage: only non-empty HTML pages with a 200 go on to strip + extract."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler

from pipeline.errors import EmptyBody, HttpError, NotHtml, TooLarge
from pipeline.items import PageItem
from pipeline.sniffing import looks_like_html


class ValidatePipeline:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(max_bytes=crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_item(self, item: PageItem) -> PageItem:
        if item.status != 200:
            raise HttpError(f"HTTP {item.status} for {item.url}")
        if not item.body.strip():
            raise EmptyBody(f"empty body at {item.url}")
        if self.max_bytes and len(item.body) > self.max_bytes:  # 0: no limit, as in Scrapy
            raise TooLarge(f"{len(item.body)} bytes at {item.url}")
        if not looks_like_html(item.headers.get("content-type"), item.body):
            raise NotHtml(f"{item.headers.get('content-type') or 'unknown type'} at {item.url}")
        return item
