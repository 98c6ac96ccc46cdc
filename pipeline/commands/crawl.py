"""`scrapy crawl` with Newsmill's database readiness and user errors in one line.

Scrapy's own command prints a user's mistake (``-a source=nosuch``, a database without
Newsmill's tables) as a long traceback and exits 0. This one prepares the database first,
as `newsmill crawl` does (an empty database gets the schema, another revision is refused),
and reports a NewsmillError raised while the crawl starts in one line with exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from scrapy.commands import crawl
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from pipeline.user_errors import NewsmillError

logger = logging.getLogger(__name__)


def crawl_database_url(settings: Any) -> str | None:
    """The database a crawl with these settings writes to, ready; None when it uses none."""
    if not (settings.getbool("NEWSMILL_STORE_ENABLED") or settings.getbool("NEWSMILL_INCREMENTAL")):
        return None
    from pipeline.db.readiness import ensure_schema
    from pipeline.db.session import check_connection
    from pipeline.db.target import database_target

    url = database_target(settings).connect_url()
    check_connection(url)
    ensure_schema(url)
    return url


class Command(crawl.Command):
    refused = False

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl SPIDER")
        assert self.settings is not None and self.crawler_process is not None
        try:
            crawl_database_url(self.settings)
        except NewsmillError as exc:
            self._refuse(exc)
            return
        crawler = self._create_crawler(args[0])
        running = self.crawler_process.crawl(crawler, **opts.spargs)
        self._watch(running)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or self.refused:
            self.exitcode = 1
        elif lost := crawler.stats.get_value("newsmill/unwritable"):
            # The store stage stopped the crawl: articles could be neither stored nor spooled.
            from pipeline.pipelines.store import unwritable_message

            self._refuse(NewsmillError(unwritable_message(int(lost))))

    def _refuse(self, exc: NewsmillError) -> None:
        self.refused = True
        self.exitcode = 1
        print(f"newsmill: error: {exc}", file=sys.stderr)

    def _watch(self, running: Any) -> None:
        """Report a NewsmillError from the starting crawl in one line; anything else as before.

        ``running``: a Deferred (CrawlerProcess) or an asyncio Task (AsyncCrawlerProcess).
        """

        def failed(failure: Failure) -> Failure | None:
            if isinstance(failure.value, NewsmillError):
                self._refuse(failure.value)
                return None
            return failure

        def done(task: asyncio.Task[None]) -> None:
            if task.cancelled():
                return
            # Retrieving the exception stops asyncio from logging it with its traceback
            # when the task is collected, so a bug is logged here instead.
            exc = task.exception()
            if isinstance(exc, NewsmillError):
                self._refuse(exc)
            elif exc is not None:
                logger.error("the crawl failed", exc_info=exc)

        if isinstance(running, Deferred):
            running.addErrback(failed)
        else:
            running.add_done_callback(done)
