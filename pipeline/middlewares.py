"""Downloader middlewares for polite, economical fetching.

- ``RetryAfterMiddleware`` replaces Scrapy's RetryMiddleware: retries 429/5xx and network
  errors with exponential backoff, and waits what a ``Retry-After`` header asks (capped).
- ``NotHtmlStopMiddleware`` stops downloading an article response as soon as its headers
  say PDF, image, audio or video, so a 50 MB PDF costs one round trip; the spider then
  counts it as ``newsmill/dropped/not_html``.
- ``RobotsPolicyMiddleware`` replaces Scrapy's RobotsTxtMiddleware: the same rules, plus
  ``Crawl-delay`` honoured per host (capped), and a robots.txt answered with a server error
  read as "disallow all" for the run, as RFC 9309 asks.

They are enabled in pipeline/settings.py (DOWNLOADER_MIDDLEWARES).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.python import global_object_name
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.defer import Deferred
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

    Settings (defaults in pipeline/settings.py): NEWSMILL_RETRY_BACKOFF_BASE (seconds),
    NEWSMILL_RETRY_BACKOFF_MAX, NEWSMILL_RETRY_AFTER_MAX (longest Retry-After honoured; a
    longer one gives up and counts ``newsmill/retry/after_too_long``).
    """

    backoff_base: float
    backoff_max: float
    retry_after_max: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff_base = settings.getfloat("NEWSMILL_RETRY_BACKOFF_BASE")
        middleware.backoff_max = settings.getfloat("NEWSMILL_RETRY_BACKOFF_MAX")
        middleware.retry_after_max = settings.getfloat("NEWSMILL_RETRY_AFTER_MAX")
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

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
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
        await sleep(seconds)


async def sleep(seconds: float) -> None:
    if seconds > 0:
        # Twisted's clock works under both the default and the asyncio reactor.
        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


# What a robots.txt that the server could not deliver means (RFC 9309 2.3.1.4: "unreachable"
# is a complete disallow). 429 is read the same way: the site is asking us to stay away.
_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def crawl_delay(robots_txt: bytes, user_agent: str) -> float | None:
    """The ``Crawl-delay`` a robots.txt asks of ``user_agent`` (its group, else ``*``), or None."""
    from protego import Protego  # Scrapy's default robots.txt parser

    try:
        delay = Protego.parse(robots_txt.decode("utf-8", "replace")).crawl_delay(user_agent)
    except Exception:  # a robots.txt is site input; a parser bug must not stop the crawl
        return None
    return float(delay) if delay is not None and delay > 0 else None


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware plus Crawl-delay (per host:port, capped) and 5xx = disallow all.

    Crawl-delay is kept as a minimum spacing between request starts to one host, applied
    here rather than through the download slot, whose delay AutoThrottle rewrites on every
    response. Settings: NEWSMILL_CRAWL_DELAY_MAX (the longest delay honoured, seconds).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.delay_cap = crawler.settings.getfloat("NEWSMILL_CRAWL_DELAY_MAX")
        self._delays: dict[str, float] = {}  # netloc -> seconds between requests
        self._next_start: dict[str, float] = {}  # netloc -> monotonic time of the next request

    async def process_request(self, request: Request, spider: Any = None) -> None:  # type: ignore[override]
        await super().process_request(request)
        if request.meta.get("dont_obey_robotstxt"):
            return
        netloc = urlparse_cached(request).netloc
        delay = self._delays.get(netloc)
        if delay:
            now = time.monotonic()
            start = max(now, self._next_start.get(netloc, now))
            self._next_start[netloc] = start + delay
            await sleep(start - now)

    async def robot_parser(self, request: Request) -> Any:
        parser = await super().robot_parser(request)
        if parser is None:
            # Requests that arrive while robots.txt is being fetched wait on one Deferred,
            # and Deferred.asFuture hands its result to the first waiter only (the rest get
            # None: "no robots.txt", so they went out unchecked). Read the stored parser.
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(stored, Deferred):
                return stored
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        stats = self.crawler.stats
        if response.status >= 500 or response.status == 429:
            stats.inc_value("newsmill/robots/unreachable")
            logger.warning(
                "%s answered %d: nothing on %s is fetched in this run (RFC 9309)",
                response.url,
                response.status,
                netloc,
            )
            response = response.replace(body=_DISALLOW_ALL)
        elif response.status == 200:
            agent = self._robotstxt_useragent or self._default_useragent
            asked = crawl_delay(response.body, agent)
            if asked is not None and self.delay_cap > 0:
                delay = min(asked, self.delay_cap)
                self._delays[netloc] = delay
                # The robots.txt fetch itself was the first request to the host.
                self._next_start[netloc] = time.monotonic() + delay
                stats.max_value("newsmill/robots/crawl_delay", delay)
                if asked > delay:
                    logger.info(
                        "%s asks Crawl-delay %.1fs; waiting %.1fs (NEWSMILL_CRAWL_DELAY_MAX)",
                        netloc,
                        asked,
                        delay,
                    )
        await super()._parse_robots(response, netloc, request)


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
