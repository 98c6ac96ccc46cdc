"""Incremental crawling's rules: which article URLs to fetch this run, and when one is due again.

Pure functions of what the database knows about a URL (``KnownUrl``) and the recheck policy;
``pipeline.crawlstate.repository`` keeps that knowledge in PostgreSQL. Rules:

- a URL never fetched is fetched;
- a stored article is rechecked while it is recent (published, else first seen, within
  ``recheck_within_days``) every ``recheck_interval_hours``, with If-None-Match /
  If-Modified-Since; older stored articles are never fetched again;
- a page fetched but not stored (no article text, not HTML) is retried after
  ``dropped_recheck_hours``; 404/410 and other 4xx after ``gone_recheck_hours``;
- a network error or 5xx/429 is retried on the next run;
- a page fetched whose fate was never recorded (the run died, or the database refused or
  could not take the article) is fetched again on the next run: "stored" is only ever
  recorded in the transaction that stores the article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class RecheckPolicy:
    """How often fetched URLs come due again (values: NEWSMILL_RECHECK_* in settings.py)."""

    recheck_within_days: float
    recheck_interval_hours: float
    dropped_recheck_hours: float
    gone_recheck_hours: float
    # A claim whose run is gone (killed process, lost connection) is void at once; a claim
    # of a run still alive that has not fetched the URL after this long is void too.
    claim_ttl_seconds: float


@dataclass(frozen=True, slots=True)
class ArticleCandidate:
    """An article URL a discovery spider found, with what discovery knows about it."""

    url: str
    hints: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class KnownUrl:
    """What the database knows about one URL (from crawl_state and/or the articles table)."""

    url: str
    stored: bool = False
    status: int | None = None  # of the last fetch; None: a network error
    fetched_at: datetime | None = None  # None: claimed (or stored elsewhere) but never fetched
    first_seen: datetime | None = None
    published: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    drop_reason: str | None = None  # why the last fetch stored nothing (None: it did, or no reason)


# Failures without a response that the same request would hit again (the page is over
# DOWNLOAD_MAXSIZE, its redirects loop): rechecked like a dropped page, not on every run like
# a timeout.
PERSISTENT_ERRORS = frozenset({"too_large", "redirect_loop"})


# Drop reasons that say nothing about the page itself (the storage failed it): like a page
# whose outcome was never recorded, it is due on the next run.
TRANSIENT_REASONS = frozenset({"storage_failed", "storage_unavailable"})


@dataclass(frozen=True, slots=True)
class FetchPlan:
    url: str
    recheck: bool = False  # fetched before; headers carry its validators
    headers: dict[str, str] = field(default_factory=dict)
    published: datetime | None = None


def is_recent(published: datetime | None, now: datetime, policy: RecheckPolicy) -> bool:
    return published is not None and now - published <= timedelta(days=policy.recheck_within_days)


def due_at(
    fetched_at: datetime,
    *,
    status: int | None,
    stored: bool,
    published: datetime | None,
    now: datetime,
    policy: RecheckPolicy,
    reason: str | None = None,
) -> datetime | None:
    """When a URL last fetched at ``fetched_at`` with this outcome is due again (None: never).

    Computed from the current policy at lookup time, so changed recheck settings apply to
    everything already crawled.
    """
    if status is None and reason in PERSISTENT_ERRORS:
        return fetched_at + timedelta(hours=policy.dropped_recheck_hours)
    if status is None or status >= 500 or status == 429:
        return fetched_at  # transient: due on the next run
    if (
        not stored
        and status < 400
        and status != 304
        and (reason is None or reason in TRANSIENT_REASONS)
    ):
        return fetched_at  # fetched, but never judged or never stored: due on the next run
    if stored or status == 304:
        if is_recent(published, now, policy):
            return fetched_at + timedelta(hours=policy.recheck_interval_hours)
        return None
    if status >= 400:
        return fetched_at + timedelta(hours=policy.gone_recheck_hours)
    return fetched_at + timedelta(hours=policy.dropped_recheck_hours)


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def plan_fetch(
    url: str, known: KnownUrl | None, now: datetime, policy: RecheckPolicy
) -> FetchPlan | None:
    """Fetch plan for one URL, or None when it must not be fetched this run."""
    if known is None or (known.fetched_at is None and not known.stored):
        # Never fetched (or claimed by a run that has not fetched it): the claim decides.
        return FetchPlan(url=url)
    reference = known.published or known.first_seen
    fetched_at = known.fetched_at or known.first_seen or now
    due = due_at(
        fetched_at,
        status=known.status,
        stored=known.stored,
        published=reference,
        now=now,
        policy=policy,
        reason=known.drop_reason,
    )
    if due is None or due > now:
        return None
    return FetchPlan(
        url=url,
        recheck=True,
        # Validators only for a page we have: a 304 for a page never stored would keep it
        # out of the database for good.
        headers=conditional_headers(known.etag, known.last_modified) if known.stored else {},
        published=reference,
    )
