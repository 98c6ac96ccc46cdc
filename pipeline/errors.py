"""Exceptions: one DropItem subclass per drop reason, and configuration errors for users."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class NewsmillError(Exception):
    """An error with a message meant for the user; the CLI prints it without a traceback."""


class DatabaseUnavailable(NewsmillError):
    """The configured database cannot be reached or used."""


class SourceConfigError(NewsmillError):
    """A sources/*.yaml file is invalid; the message names the file and field."""


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


class NoArticle(PageDropped):
    """Extraction ran but found no article text (an index page, a stub)."""

    reason = "no_article"


class NotModified(PageDropped):
    reason = "not_modified"


class StorageFailed(PageDropped):
    reason = "storage_failed"
