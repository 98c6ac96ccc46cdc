"""No two crawls of one source at once: a PostgreSQL advisory lock held for the whole crawl.

The lock is session-level and lives on a connection of its own, so it lasts exactly as long
as that connection: the crawl releases it when it closes, and the server releases it when
the crawl's process dies (``kill -9`` closes the socket; TCP keepalives catch a machine that
vanished). There is no lock file that could outlive its owner.

A crawl that finds its source locked is skipped: ``SourceLockExtension`` closes the spider
with reason ``skipped`` before any request is made, the store stage records the run with
that status, and the stat ``newsmill/skip_reason`` says who holds the lock. With
``NEWSMILL_SOURCE_LOCK_WAIT`` (``newsmill crawl --wait``) it waits for the lock instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.conf import build_component_list
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from pipeline.db.locks import SOURCE_LOCK_CLASS

logger = logging.getLogger(__name__)

# Close reason (and crawl_runs status) of a crawl skipped because its source is locked.
SKIPPED = "skipped"
SKIP_REASON_STAT = "newsmill/skip_reason"

_TRY_LOCK = text("SELECT pg_try_advisory_lock(:cls, :key), clock_timestamp()")

_HOLDER = text(
    """
    SELECT a.application_name, a.backend_start, r.id AS run_id, r.started_at
    FROM pg_locks l
    LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    LEFT JOIN LATERAL (
        SELECT id, started_at FROM crawl_runs
        WHERE source = :source AND status = 'running' ORDER BY id DESC LIMIT 1
    ) r ON true
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.classid::bigint = :cls AND l.objid::bigint = :key_unsigned
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    LIMIT 1
    """
)


def source_lock_key(source: str) -> int:
    """The advisory lock key (a signed int4) of ``source``'s crawls."""
    return int.from_bytes(hashlib.sha256(source.encode("utf-8")).digest()[:4], "big", signed=True)


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a source's lock, as far as the server can tell."""

    application_name: str | None
    since: datetime | None
    run_id: int | None  # the source's latest crawl_runs row still marked running
    run_started: datetime | None

    def describe(self) -> str:
        parts = []
        if self.run_id is not None and self.run_started is not None:
            parts.append(f"run {self.run_id} started {self.run_started:%Y-%m-%d %H:%M:%S %Z}")
        if self.application_name:
            parts.append(self.application_name)
        elif self.since is not None:
            parts.append(f"locked since {self.since:%Y-%m-%d %H:%M:%S %Z}")
        return ", ".join(parts) or "holder unknown"


class SourceLock:
    """The advisory lock of one source, on a dedicated autocommit connection."""

    def __init__(self, database_url: str, source: str) -> None:
        from pipeline.db.session import get_engine

        self.source = source
        self.key = source_lock_key(source)
        application = f"newsmill crawl pid {os.getpid()} on {socket.gethostname()}"
        self.engine = get_engine(
            database_url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={
                "application_name": application[:63],
                # The lock connection sits idle for the whole crawl: no server-wide idle
                # timeout may end it (that would free the lock mid-crawl), and a crawler
                # machine that vanished is noticed within about a minute.
                "options": "-c idle_session_timeout=0 -c idle_in_transaction_session_timeout=0"
                " -c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10"
                " -c tcp_keepalives_count=3",
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
            },
        )
        self._conn: Connection | None = None
        self.held = False
        self.first_try: datetime | None = None  # server time of the first attempt

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this object holds it."""
        if self.held:
            return True
        if self._conn is None:
            self._conn = self.engine.connect()
        got, at = self._conn.execute(_TRY_LOCK, {"cls": SOURCE_LOCK_CLASS, "key": self.key}).one()
        self.first_try = self.first_try or at
        self.held = bool(got)
        return self.held

    def holder(self) -> LockHolder | None:
        """Who holds the lock now (None: nobody)."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    _HOLDER,
                    {
                        "cls": SOURCE_LOCK_CLASS,
                        "key_unsigned": self.key & 0xFFFFFFFF,
                        "source": self.source,
                    },
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return LockHolder(
            application_name=row["application_name"],
            since=row["backend_start"],
            run_id=row["run_id"],
            run_started=row["started_at"],
        )

    def release(self) -> None:
        """Give the lock back by closing its connection (which ends its session)."""
        self.held = False
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):  # the server is gone: so is the lock
                self._conn.close()
            self._conn = None
        self.engine.dispose()


def _uses_database(settings: BaseSettings) -> bool:
    """Whether the crawl keeps crawl state or stores articles (a test collecting raw pages
    with its own ITEM_PIPELINES does neither, and needs no database for a lock)."""
    if settings.getbool("NEWSMILL_INCREMENTAL"):
        return True
    if not settings.getbool("NEWSMILL_STORE_ENABLED"):
        return False
    from pipeline.pipelines.store import StorePipeline

    stages = build_component_list(settings.getwithbase("ITEM_PIPELINES"))
    return any(load_object(stage) is StorePipeline for stage in stages)


class SourceLockExtension:
    """Holds the source's lock while a source crawl runs (NEWSMILL_SOURCE_LOCK)."""

    def __init__(self, crawler: Crawler, wait: bool, poll_seconds: float) -> None:
        self.crawler = crawler
        self.wait = wait
        self.poll_seconds = poll_seconds
        self.lock: SourceLock | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSMILL_SOURCE_LOCK"):
            raise NotConfigured("NEWSMILL_SOURCE_LOCK is off")
        if not _uses_database(settings):
            raise NotConfigured("a crawl that uses no database has nothing to overlap on")
        return cls(
            crawler,
            settings.getbool("NEWSMILL_SOURCE_LOCK_WAIT"),
            settings.getfloat("NEWSMILL_SOURCE_LOCK_POLL_SECONDS"),
        )

    async def spider_opened(self, spider: Any) -> None:
        source = getattr(spider, "source_name", None)
        if not source:  # an ad-hoc crawl (-a feeds=…) belongs to no source
            return
        from pipeline.db.runs import close_dead_runs
        from pipeline.db.target import database_target

        lock = SourceLock(database_target(self.crawler.settings).connect_url(), source)
        try:
            acquired = lock.try_acquire()
            holder = None if acquired else lock.holder()
        except DBAPIError as exc:
            # The database went away since the crawl checked it: crawl (the store stage
            # spools) rather than stop, but say that nothing keeps a second crawl out.
            logger.warning(
                "crawling without the source lock, the database is unreachable: %s", exc.orig
            )
            lock.release()
            return
        # Released after every other spider_closed handler (connected before this one), so
        # the run's row and crawl state are written before another crawl can start.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.lock = lock
        if not acquired:
            who = holder.describe() if holder else "it ended a moment ago"
            if not self.wait:
                reason = f"source {source!r} is already being crawled ({who})"
                self.crawler.stats.set_value(SKIP_REASON_STAT, reason)
                logger.info("skipped: %s", reason)
                raise CloseSpider(SKIPPED)
            logger.warning("waiting for the running crawl of source %r to end (%s)", source, who)
            from twisted.internet import reactor, task

            while not lock.try_acquire():
                await maybe_deferred_to_future(task.deferLater(reactor, self.poll_seconds))
        # This process holds the lock, so no run of the source that is still marked as
        # running (from before this attempt) is alive: its process died without closing.
        assert lock.first_try is not None
        close_dead_runs(lock.engine, source, before=lock.first_try)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None
