"""Exceptions: one DropItem subclass per drop reason (and, re-exported, the errors for users)."""

from __future__ import annotations

from scrapy.exceptions import DropItem

# Re-exported: the errors for users live apart so that importing them does not import Scrapy.
from pipeline.user_errors import (  # noqa: F401
    DatabaseUnavailable,
    NewsmillError,
    SourceConfigError,
)


class PageDropped(DropItem):
    """Base for counted drops; ``reason`` becomes the stats key newsmill/dropped/<reason>."""

    reason = "other"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.reason)


class NotHtml(PageDropped):
    reason = "not_html"


class EmptyBody(PageDropped):
    reason = "empty_body"


class TooLarge(PageDropped):
    reason = "too_large"


class HttpError(PageDropped):
    reason = "http_error"


class ExtractionFailed(PageDropped):
    reason = "extraction_failed"


class WorkerCrashed(PageDropped):
    """The extraction worker process died on this page twice (out of memory, a crash in C)."""

    reason = "worker_crashed"


class NoArticle(PageDropped):
    """Extraction ran but found no article text (an index page, a stub)."""

    reason = "no_article"


class TooOld(PageDropped):
    """The page's own date is before the crawl's cutoff (limits.max_age_days, -a since=)."""

    reason = "too_old"


class NotModified(PageDropped):
    reason = "not_modified"


class StorageFailed(PageDropped):
    reason = "storage_failed"
