"""Dedup stage: the canonical URL and every URL key of the page.

The content fingerprints (content hash, SimHash) arrive computed with the article by the
strip-and-extract stage, once, on the merged text; this stage checks they are there. The
decision itself is the database's (unique constraints in the store stage), so that
concurrent crawlers cannot race; this stage computes the keys.
"""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler

from pipeline.dedup.urls import canonical_url, choose_canonical, tracking_params
from pipeline.errors import ExtractionFailed
from pipeline.items import PageItem


class DedupPipeline:
    def __init__(self, tracking_params: frozenset[str]) -> None:
        self.tracking_params = tracking_params

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(tracking_params(crawler.settings.getlist("NEWSMILL_TRACKING_PARAMS")))

    def process_item(self, item: PageItem) -> PageItem:
        article = item.article
        if article is None or item.content_hash is None or item.simhash is None:
            raise ExtractionFailed(f"{item.url}: no extracted article and fingerprints")
        item.canonical_url = choose_canonical(item.url, article.canonical_url, self.tracking_params)
        keys = [item.canonical_url]
        # Canonicalizing costs about 50 µs a URL on the reactor thread: each distinct URL once,
        # and none for a URL already in its canonical form (the usual page, not redirected).
        others = (u for u in (item.request_url, item.url) if u and u != item.canonical_url)
        for url in dict.fromkeys(others):
            key = canonical_url(url, self.tracking_params)
            if key not in keys:
                keys.append(key)
        item.url_keys = keys
        return item
