"""Crawler extensions: drop counting by reason, and live progress for the CLI."""

from __future__ import annotations

import sys
import time
from typing import Any, Self, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from pipeline.errors import PageDropped


class DropStats:
    """Count every dropped item as newsmill/dropped/<reason> and pipeline crashes as errors."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def item_dropped(self, item: Any, response: Any, exception: Exception, spider: Any) -> None:
        reason = exception.reason if isinstance(exception, PageDropped) else "other"
        self.stats.inc_value(f"newsmill/dropped/{reason}")

    def item_error(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        self.stats.inc_value(f"newsmill/errors/pipeline/{failure.type.__name__}")


def _group(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a person wants at the end of a crawl, from Scrapy stats."""
    return {
        "pages_fetched": stats.get("response_received_count", 0),
        "stored": stats.get("newsmill/stored", 0),
        "updated": stats.get("newsmill/updated", 0),
        "duplicates_url": stats.get("newsmill/duplicates/url", 0),
        "duplicates_content": stats.get("newsmill/duplicates/content", 0),
        "near_duplicates": stats.get("newsmill/duplicates/near", 0),
        "not_modified": stats.get("newsmill/not_modified", 0),
        "spooled": stats.get("newsmill/spooled", 0),
        "dropped": _group(stats, "newsmill/dropped/"),
        "errors": _group(stats, "newsmill/errors/"),
        "skipped": _group(stats, "newsmill/skipped/"),
        # requests the fetch guard would not send (private addresses, ports, schemes)
        "refused": _group(stats, "newsmill/refused/"),
    }


class Progress:
    """One status line on stderr, rewritten every second while the crawl runs (NEWSMILL_PROGRESS)."""

    def __init__(self, crawler: Crawler, stream: TextIO, interval: float) -> None:
        self.stats = crawler.stats
        self.stream = stream
        # A terminal gets one line rewritten in place; a log file gets a line every 10 s.
        self.tty = stream.isatty()
        self.interval = interval if self.tty else max(interval, 10.0)
        self.started = time.monotonic()
        self.label = ""
        self._loop = task.LoopingCall(self.render)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        # engine_stopped comes after every spider_closed handler, so the store stage's
        # final flush is already counted in the last line.
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSMILL_PROGRESS"):
            raise NotConfigured
        return cls(crawler, sys.stderr, crawler.settings.getfloat("NEWSMILL_PROGRESS_INTERVAL"))

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.label = getattr(spider, "source_name", None) or spider.name
        self._loop.start(self.interval, now=False)

    def engine_stopped(self) -> None:
        if self._loop.running:
            self._loop.stop()
        if self.stats.get_value("newsmill/skip_reason"):
            return  # a skipped run (pipeline/runlock.py) says so in one line of its own
        self.render()
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def render(self) -> None:
        s = summarize(self.stats.get_stats())
        line = (
            f"[{self.label} {time.monotonic() - self.started:6.1f}s] fetched {s['pages_fetched']}"
            f"  stored {s['stored']}  updated {s['updated']}"
            f"  duplicates {s['duplicates_url'] + s['duplicates_content']}"
            f"  dropped {sum(s['dropped'].values())}"
        )
        self.stream.write("\r" + line if self.tty else line + "\n")
        self.stream.flush()
