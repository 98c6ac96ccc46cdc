"""Incremental crawling: which article URLs to fetch this run, and what to remember about them.

- ``policy``: the pure rules (is a URL due, with which conditional headers);
- ``repository``: the crawl state in PostgreSQL (lookups, claims, parked frontier, records);
- ``configure``: opening the repository from Scrapy settings;
- ``extension``: the Scrapy extension that keeps the books beside the crawl (outcomes of
  items, the parked frontier when the scheduler runs dry, closing at the end).
"""

from pipeline.crawlstate.policy import ArticleCandidate, FetchPlan, KnownUrl, RecheckPolicy
from pipeline.crawlstate.repository import CrawlStateRepository, ParkedRequest

__all__ = [
    "ArticleCandidate",
    "CrawlStateRepository",
    "FetchPlan",
    "KnownUrl",
    "ParkedRequest",
    "RecheckPolicy",
]
