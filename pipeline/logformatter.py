"""Log lines about items that name the page instead of printing it.

Scrapy's LogFormatter puts the whole item in its "Dropped:", "Scraped from" and "Error
processing" lines; a Newsmill item carries the page's raw HTML, so one drop printed
kilobytes to the terminal. Drops are counted by reason (newsmill/dropped/<reason>) and
summarized at the end of a crawl, so each one gets a short line at INFO.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from pipeline.errors import PageDropped
from pipeline.items import PageItem

DETAIL_CHARS = 160  # of an exception's message; its first line says what happened


def describe_item(item: Any) -> str:
    """The page's URL, or for an item that is not a page, its type."""
    if isinstance(item, PageItem):
        return item.url
    url = getattr(item, "url", None) or (item.get("url") if isinstance(item, dict) else None)
    return str(url) if url else type(item).__name__


def _detail(exception: BaseException, url: str) -> str:
    first = next((line.strip() for line in str(exception).splitlines() if line.strip()), "")
    first = first.removeprefix(url).lstrip(": ").strip()
    if len(first) > DETAIL_CHARS:
        first = first[: DETAIL_CHARS - 1] + "…"
    return first


class NewsmillLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        level: int | str | None = getattr(exception, "log_level", None)
        if level is None:
            level = (
                logging.INFO
                if isinstance(exception, PageDropped)
                else spider.crawler.settings["DEFAULT_DROPITEM_LOG_LEVEL"]
            )
        if isinstance(level, str):
            level = int(getattr(logging, level))
        url = describe_item(item)
        reason = exception.reason if isinstance(exception, PageDropped) else "other"
        detail = _detail(exception, url)
        return {
            "level": int(level),
            "msg": "Dropped (%(reason)s) %(url)s%(detail)s",
            "args": {
                "reason": reason,
                "url": url,
                "detail": f": {detail}" if detail and detail != reason else "",
            },
        }

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(url)s",
            "args": {"url": describe_item(item)},
        }

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        # Scrapy logs the traceback after this line; the page's bytes add nothing to it.
        return {
            "level": logging.ERROR,
            "msg": "Error processing %(url)s",
            "args": {"url": describe_item(item)},
        }
