"""Downloader middlewares for polite, economical fetching.

- ``RetryAfterMiddleware`` replaces Scrapy's RetryMiddleware: retries 429/5xx and network
  errors with exponential backoff, and waits what a ``Retry-After`` header asks (capped).
- ``NotHtmlStopMiddleware`` stops downloading an article response as soon as its headers
  say PDF, image, audio or video, so a 50 MB PDF costs one round trip; the spider then
  counts it as ``newsmill/dropped/not_html``.

Enable them in settings (see the report / pipeline/settings.py)::

    DOWNLOADER_MIDDLEWARES = {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "pipeline.middlewares.RetryAfterMiddleware": 550,
        "pipeline.middlewares.NotHtmlStopMiddleware": 560,
    }
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.python import global_object_name
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)

_NOT_HTML_TYPES = ("application/pdf", "image/", "audio/", "video/", "application/zip", "font/")


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(retries: int, base: float, cap: float) -> float:
    """Exponential backoff before retry number ``retries + 1``: base, 2*base, 4*base … cap."""
    return min(cap, base * (2**retries)) if base > 0 else 0.0


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware with backoff and ``Retry-After``.

    Settings: NEWSMILL_RETRY_BACKOFF_BASE (seconds, default 1), NEWSMILL_RETRY_BACKOFF_MAX
    (default 30), NEWSMILL_RETRY_AFTER_MAX (longest Retry-After honoured, default 120 s; a
    longer one gives up and counts ``newsmill/retry/after_too_long``).
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff_base = settings.getfloat("NEWSMILL_RETRY_BACKOFF_BASE", 1.0)
        middleware.backoff_max = settings.getfloat("NEWSMILL_RETRY_BACKOFF_MAX", 30.0)
        middleware.retry_after_max = settings.getfloat("NEWSMILL_RETRY_AFTER_MAX", 120.0)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retries = request.meta.get("retry_times", 0)
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        stats = self.crawler.stats
        if asked is not None:
            if asked > self.retry_after_max:
                stats.inc_value("newsmill/retry/after_too_long")
                logger.info("%s asks to retry after %.0fs; giving up", request.url, asked)
                return response
            stats.inc_value("newsmill/retry/after_honoured")
            delay = asked
        else:
            delay = backoff_seconds(retries, self.backoff_base, self.backoff_max)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._sleep(delay)
        return retry

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:  # type: ignore[override]
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._sleep(
                backoff_seconds(
                    request.meta.get("retry_times", 0), self.backoff_base, self.backoff_max
                )
            )
        return retry

    async def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            # Twisted's clock works under both the default and the asyncio reactor.
            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class NotHtmlStopMiddleware:
    """Stop an article download once its Content-Type says it cannot be an HTML page."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def headers_received(
        self, headers: Any, body_length: int, request: Request, **kwargs: Any
    ) -> None:
        if request.meta.get("newsmill_kind") not in ("article", "article_page"):
            return
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if content_type.startswith(_NOT_HTML_TYPES):
            self.crawler.stats.inc_value("newsmill/download_stopped/not_html")
            # fail=False: the callback still gets the (truncated) response and counts it.
            raise StopDownload(fail=False)

    def process_request(self, request: Request) -> None:
        return None

    def __repr__(self) -> str:
        return global_object_name(type(self))
