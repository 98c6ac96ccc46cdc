"""Dedup stage: canonical URL, every URL key of the page, and content fingerprints.

(With extraction worker processes, the fingerprints arrive computed with the article.)

The decision itself is the database's (unique constraints in the store stage), so that
concurrent crawlers cannot race; this stage computes the keys.
"""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler

from pipeline.dedup.fingerprint import fingerprints
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
        if article is None:
            raise ExtractionFailed(f"{item.url}: no article to deduplicate")
        item.canonical_url = choose_canonical(item.url, article.canonical_url, self.tracking_params)
        keys = [item.canonical_url]
        for url in (item.request_url, item.url):
            if url:
                key = canonical_url(url, self.tracking_params)
                if key not in keys:
                    keys.append(key)
        item.url_keys = keys
        if item.content_hash is None or item.simhash is None:  # not done in a worker process
            item.content_hash, item.simhash = fingerprints(article.text)
        return item
