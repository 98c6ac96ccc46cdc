"""Opening the crawl state for a spider run from Scrapy settings (defaults: pipeline/settings.py)."""

from __future__ import annotations

from scrapy.settings import BaseSettings
from sqlalchemy import text

from pipeline.crawlstate.policy import RecheckPolicy
from pipeline.crawlstate.repository import CrawlStateRepository
from pipeline.dedup.urls import tracking_params
from pipeline.user_errors import NewsmillError


def recheck_policy(settings: BaseSettings) -> RecheckPolicy:
    return RecheckPolicy(
        recheck_within_days=settings.getfloat("NEWSMILL_RECHECK_WITHIN_DAYS"),
        recheck_interval_hours=settings.getfloat("NEWSMILL_RECHECK_INTERVAL_HOURS"),
        dropped_recheck_hours=settings.getfloat("NEWSMILL_RECHECK_DROPPED_HOURS"),
        gone_recheck_hours=settings.getfloat("NEWSMILL_RECHECK_GONE_HOURS"),
        claim_ttl_seconds=settings.getfloat("NEWSMILL_CLAIM_TTL_SECONDS"),
    )


def open_crawl_state(settings: BaseSettings, *, source: str | None) -> CrawlStateRepository | None:
    """The crawl state for a spider run, or None when NEWSMILL_INCREMENTAL is off.

    Fails at once, with a message saying what to do, when the database is unreachable or
    its schema predates the crawl_state table.
    """
    if not settings.getbool("NEWSMILL_INCREMENTAL"):
        return None
    from pipeline.db.session import check_connection, describe_url, get_engine
    from pipeline.db.target import database_target

    url = database_target(settings).connect_url()
    check_connection(url)
    engine = get_engine(url, pool_size=2, max_overflow=2)
    with engine.connect() as conn:
        present = conn.execute(text("SELECT to_regclass('crawl_state') IS NOT NULL")).scalar()
    if not present:
        engine.dispose()
        raise NewsmillError(
            f"the database at {describe_url(url)} has no crawl_state table: run `newsmill db "
            "upgrade` (or set NEWSMILL_INCREMENTAL=False to crawl without incremental state)"
        )
    return CrawlStateRepository(
        engine,
        source=source,
        policy=recheck_policy(settings),
        flush_rows=settings.getint("NEWSMILL_CRAWLSTATE_FLUSH_ROWS"),
        flush_seconds=settings.getfloat("NEWSMILL_CRAWLSTATE_FLUSH_SECONDS"),
        tracking=tracking_params(settings.getlist("NEWSMILL_TRACKING_PARAMS")),
    )
