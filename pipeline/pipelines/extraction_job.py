"""One article's extraction as a job: the pure function the strip-and-extract stage runs,
in a worker process or in the crawler's own, with the same input and the same result.

The job carries everything extraction needs and nothing of Scrapy's (it crosses a process
boundary): the first page, the later pages of a multi-page article, headers, the source's
config, the fetch time and the discovery hints. The result is the article with each page's
chrome stripped and every page merged, and the fingerprints of its merged text, computed
here once so that no later stage has to.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipeline.dedup.minhash import StorySignature, text_fingerprints
from pipeline.extraction import ExtractionError, extract
from pipeline.items import Article, PageItem
from pipeline.sources import SourceConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LaterPage:
    """A following page of a multi-page article, as the spider fetched it (raw bytes)."""

    url: str
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ArticleJob:
    url: str
    body: bytes
    headers: Mapping[str, str]
    source: SourceConfig | None
    fetched_at: datetime | None
    hints: Mapping[str, Any]  # discovery hints, without the later pages
    later_pages: tuple[LaterPage, ...] = ()

    @classmethod
    def for_item(cls, item: PageItem, source: SourceConfig | None) -> ArticleJob:
        """The job for a fetched article; ``hints["pages"]`` is the spider's multi-page contract."""
        pages = item.hints.get("pages") or ()
        return cls(
            url=item.url,
            body=item.body,
            headers=dict(item.headers),
            source=source,
            fetched_at=item.fetched_at,
            hints={k: v for k, v in item.hints.items() if k != "pages"},
            later_pages=tuple(
                LaterPage(p["url"], p["body"], dict(p.get("headers") or {})) for p in pages
            ),
        )


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    article: Article  # chrome stripped, every readable page merged
    content_hash: str  # of the merged text
    simhash: int
    story: StorySignature  # MinHash signature and band keys: which story it belongs to
    unreadable_pages: tuple[str, ...] = ()  # later pages left out (not HTML, empty, undecodable)


def merge_page(article: Article, page: Article) -> None:
    """Append a following page of a multi-page article to the first."""
    if page.text.strip():
        article.text = f"{article.text.rstrip()}\n\n{page.text.strip()}"
        article.html = f"{article.html}\n{page.html}"
        article.word_count += page.word_count
    seen = {image.src for image in article.images}
    article.images.extend(image for image in page.images if image.src not in seen)


def _extract_page(
    job: ArticleJob, page: ArticleJob | LaterPage, hints: Mapping[str, Any] | None = None
) -> Article:
    """One page of the job's article: the page's own bytes, URL and headers, read with the
    article's source and fetch time."""
    return extract(
        page.body,
        page.url,
        source=job.source,
        headers=page.headers,
        fetched_at=job.fetched_at,
        hints=hints,
    )


def extract_job(job: ArticleJob) -> ExtractedArticle:
    """Extract the article of a job. Pure: no network, no crawler, no state between calls.

    The first page decides: an ExtractionError there is the article's. A later page that
    cannot be read is left out, as the spider leaves out one it could not fetch: the pages
    before it are still the article.
    """
    article = _extract_page(job, job, hints=job.hints)
    unreadable: list[str] = []
    for page in job.later_pages:
        try:
            later = _extract_page(job, page)
        except ExtractionError as exc:
            logger.info("left page %s out of %s: %s", page.url, job.url, exc)
            unreadable.append(page.url)
            continue
        merge_page(article, later)
    prints = text_fingerprints(article.text)
    return ExtractedArticle(
        article, prints.content_hash, prints.simhash, prints.story, tuple(unreadable)
    )
