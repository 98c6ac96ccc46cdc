"""The crawl state in PostgreSQL: one run's lookups, claims, parked frontier and buffered records.

The state lives in PostgreSQL (table ``crawl_state``, plus the stored ``articles``) so that it
holds across runs, processes and nodes, and so that the crawler keeps no seen-set in memory:
each page's article links are looked up and claimed in one round trip (``plan``); what to
fetch is decided by the pure rules in ``pipeline.crawlstate.policy``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from pipeline import settings as project_settings
from pipeline.crawlstate.policy import (
    ArticleCandidate,
    FetchPlan,
    KnownUrl,
    RecheckPolicy,
    plan_fetch,
)
from pipeline.db.locks import CLAIM_OWNER_CLASS
from pipeline.db.pgtext import repaired
from pipeline.dedup.urls import DEFAULT_TRACKING_PARAMS, canonical_url

logger = logging.getLogger(__name__)

# Crawl-state rows kept in memory while the database is unreachable.
_MAX_BUFFERED = 50_000


@dataclass(frozen=True, slots=True)
class ParkedRequest:
    """A claimed article URL waiting in PostgreSQL until the run has room for it in memory."""

    url: str
    hints: dict[str, Any] = field(default_factory=dict)  # what discovery knows (title, date…)
    headers: dict[str, str] = field(default_factory=dict)  # conditional-request validators
    depth: int = 0


_LOOKUP = text(
    """
    SELECT c.url, c.key,
           s.url IS NOT NULL AS in_state, s.stored, s.status, s.fetched_at, s.first_seen,
           s.published, s.etag, s.last_modified, s.drop_reason,
           a.id AS article_id, a.fetched_at AS a_fetched_at, a.first_seen AS a_first_seen,
           a.published AS a_published, a.etag AS a_etag, a.last_modified AS a_last_modified
    FROM unnest(CAST(:urls AS text[]), CAST(:keys AS text[])) AS c(url, key)
    LEFT JOIN crawl_state s ON s.url = c.url
    LEFT JOIN LATERAL (
        SELECT a.* FROM article_urls u JOIN articles a ON a.id = u.article_id
        WHERE u.url = c.url OR u.url = c.key
        LIMIT 1
    ) a ON true
    """
)

# Claim URLs for this run. A row already claimed by another run that has not fetched it yet
# is left alone while that run is alive (its owner session holds its advisory lock) and its
# claim is not stale: that run will fetch it. A claim of a run that died (kill -9, a lost
# connection) is taken over at once.
_CLAIM = text(
    """
    WITH live AS (
        SELECT l.objid::text AS owner FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND l.classid::bigint = :owner_class
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    )
    INSERT INTO crawl_state AS s (url, source, first_seen, claimed_by, claimed_at)
    SELECT u, :source, :now, :run, :now FROM unnest(CAST(:urls AS text[])) AS u
    ON CONFLICT (url) DO UPDATE
        SET claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at,
            source = COALESCE(s.source, EXCLUDED.source), parked = NULL
        WHERE s.claimed_by IS DISTINCT FROM EXCLUDED.claimed_by
          AND (s.claimed_at IS NULL OR s.claimed_at < :stale
               OR (s.fetched_at IS NOT NULL AND s.fetched_at >= s.claimed_at)
               OR split_part(s.claimed_by, '.', 1) NOT IN (SELECT owner FROM live))
    RETURNING url
    """
)

_PARK = text(
    "UPDATE crawl_state SET parked = CAST(:parked AS jsonb) WHERE url = :url AND claimed_by = :run"
)

# Take the next batch of this run's parked URLs (SKIP LOCKED: safe if ever called twice).
_UNPARK = text(
    """
    WITH picked AS (
        SELECT url, parked FROM crawl_state
        WHERE claimed_by = :run AND parked IS NOT NULL
        ORDER BY first_seen, url LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ), cleared AS (
        UPDATE crawl_state s SET parked = NULL FROM picked WHERE s.url = picked.url
    )
    SELECT url, parked FROM picked
    """
)

# At the end of a run: whatever it claimed but never fetched (parked, or still queued when
# it stopped) is free again at once instead of after the claim TTL.
_RELEASE_UNFETCHED = text(
    "UPDATE crawl_state SET claimed_by = NULL, claimed_at = NULL, parked = NULL "
    "WHERE claimed_by = :run AND fetched_at IS NULL"
)

_RELEASE = text(
    "UPDATE crawl_state SET claimed_by = NULL, claimed_at = NULL "
    "WHERE url = ANY(CAST(:urls AS text[])) AND claimed_by = :run"
)

# A fetch is recorded on the crawler's schedule, which may be after the article writer has
# already committed the page and marked it stored (with the page's later fetch time): an
# older fetch record then changes nothing but the count.
_RECORD_FETCH = text(
    """
    INSERT INTO crawl_state AS s (url, source, first_seen, claimed_by, claimed_at, fetched_at,
                                  status, etag, last_modified, fetch_count, drop_reason)
    VALUES (:url, :source, :now, :run, :now, :now, :status, :etag, :last_modified, 1, :reason)
    ON CONFLICT (url) DO UPDATE SET
        fetch_count = s.fetch_count + 1,
        fetched_at = GREATEST(s.fetched_at, EXCLUDED.fetched_at),
        status = CASE WHEN s.fetched_at > EXCLUDED.fetched_at THEN s.status
                      ELSE EXCLUDED.status END,
        drop_reason = CASE WHEN s.fetched_at > EXCLUDED.fetched_at THEN s.drop_reason
                           ELSE EXCLUDED.drop_reason END,
        etag = CASE WHEN s.fetched_at > EXCLUDED.fetched_at OR EXCLUDED.status = 304 THEN s.etag
                    ELSE EXCLUDED.etag END,
        last_modified = CASE WHEN s.fetched_at > EXCLUDED.fetched_at OR EXCLUDED.status = 304
                             THEN s.last_modified ELSE EXCLUDED.last_modified END,
        -- 304 keeps the page as it was stored; any other answer is judged afresh.
        stored = CASE WHEN s.fetched_at > EXCLUDED.fetched_at OR EXCLUDED.status = 304
                      THEN s.stored ELSE false END
    """
)

_RECORD_OUTCOME = text(
    """
    UPDATE crawl_state SET stored = :stored, drop_reason = :reason,
        published = COALESCE(:published, published, :fallback)
    WHERE url = :url
    """
)

_DUE = text(
    """
    SELECT url FROM crawl_state
    WHERE source = :source AND stored AND published >= :recent_since AND fetched_at <= :fetched_before
    ORDER BY fetched_at LIMIT :limit
    """
)


class CrawlStateRepository:
    """One run's view of the crawl state: batched lookups and claims, buffered writes."""

    def __init__(
        self,
        engine: Engine,
        *,
        source: str | None,
        policy: RecheckPolicy,
        flush_rows: int = project_settings.NEWSMILL_CRAWLSTATE_FLUSH_ROWS,
        flush_seconds: float = project_settings.NEWSMILL_CRAWLSTATE_FLUSH_SECONDS,
        tracking: frozenset[str] = DEFAULT_TRACKING_PARAMS,
    ) -> None:
        self.engine = engine
        # The dedup stage's parameters: a URL's key here must equal its key in article_urls.
        self.tracking = tracking
        self.source = source
        self.policy = policy
        # This run's claims are void once this owner's session ends, however the run ends.
        self._owner = ClaimOwner(engine)
        self.run_id = self._owner.run_id
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        # Buffers are flushed every flush_rows rows or flush_seconds, so they stay small.
        self._fetches: dict[str, dict[str, Any]] = {}
        self._outcomes: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self.write_failures = 0

    def lookup(self, urls: list[str]) -> dict[str, KnownUrl]:
        """What the database knows about ``urls`` (URLs it knows nothing of are absent)."""
        keys = [self._key(url) for url in urls]
        with self.engine.connect() as conn:
            rows = conn.execute(_LOOKUP, {"urls": urls, "keys": keys}).mappings().all()
        known: dict[str, KnownUrl] = {}
        for row in rows:
            if not row["in_state"] and row["article_id"] is None:
                continue
            in_state = row["in_state"]
            known[row["url"]] = KnownUrl(
                url=row["url"],
                stored=bool(row["stored"]) or row["article_id"] is not None,
                status=row["status"] if in_state else 200,
                fetched_at=row["fetched_at"] if in_state else row["a_fetched_at"],
                first_seen=row["first_seen"] or row["a_first_seen"],
                published=row["published"] or row["a_published"],
                etag=row["etag"] or row["a_etag"],
                last_modified=row["last_modified"] or row["a_last_modified"],
                drop_reason=row["drop_reason"] if in_state else None,
            )
        return known

    def plan(
        self, candidates: list[ArticleCandidate], now: datetime | None = None
    ) -> dict[str, FetchPlan]:
        """Plans for the candidates to fetch now, claimed for this run; others are absent."""
        now = now or datetime.now(UTC)
        urls = list(dict.fromkeys(c.url for c in candidates))
        if not urls:
            return {}
        known = self.lookup(urls)
        plans: dict[str, FetchPlan] = {}
        for url in urls:
            plan = plan_fetch(url, known.get(url), now, self.policy)
            if plan is not None:
                plans[url] = plan
        if not plans:
            return {}
        stale = now - timedelta(seconds=self.policy.claim_ttl_seconds)
        with self.engine.begin() as conn:
            claimed = set(
                conn.execute(
                    _CLAIM,
                    {
                        "urls": list(plans),
                        "source": self.source,
                        "run": self.run_id,
                        "now": now,
                        "stale": stale,
                        "owner_class": CLAIM_OWNER_CLASS,
                    },
                ).scalars()
            )
        return {url: plan for url, plan in plans.items() if url in claimed}

    def due_rechecks(self, limit: int, now: datetime | None = None) -> list[str]:
        """Stored articles of this source due for a recheck, oldest due first."""
        if self.source is None or limit <= 0:
            return []
        now = now or datetime.now(UTC)
        params = {
            "source": self.source,
            "recent_since": now - timedelta(days=self.policy.recheck_within_days),
            "fetched_before": now - timedelta(hours=self.policy.recheck_interval_hours),
            "limit": limit,
        }
        with self.engine.connect() as conn:
            return list(conn.execute(_DUE, params).scalars())

    def park(self, requests: list[ParkedRequest]) -> None:
        """Keep claimed article URLs (with hints, headers, depth) in PostgreSQL for later."""
        if not requests:
            return
        rows = [
            {
                "url": request.url,
                "run": self.run_id,
                "parked": json.dumps(
                    repaired(
                        {"hints": request.hints, "headers": request.headers, "depth": request.depth}
                    ),
                    default=_json_default,
                ),
            }
            for request in requests
        ]
        with self.engine.begin() as conn:
            conn.execute(_PARK, rows)

    def unpark(self, limit: int) -> list[ParkedRequest]:
        """The next ``limit`` parked URLs of this run, oldest first; they are unparked."""
        with self.engine.begin() as conn:
            rows = conn.execute(_UNPARK, {"run": self.run_id, "limit": limit}).all()
        return [
            ParkedRequest(
                url,
                _revive_datetimes(parked.get("hints") or {}),
                parked.get("headers") or {},
                int(parked.get("depth") or 0),
            )
            for url, parked in rows
        ]

    def release(self, urls: list[str]) -> None:
        """Give back claims this run will not fetch (over its page budget)."""
        if urls:
            with self.engine.begin() as conn:
                conn.execute(_RELEASE, {"urls": urls, "run": self.run_id})

    def record_fetch(
        self,
        url: str,
        status: int | None,
        headers: Mapping[str, str],
        reason: str | None = None,
    ) -> None:
        """An article URL was fetched (status None: no response, ``reason`` says why); buffered."""
        self._fetches[url] = {
            "url": url,
            "source": self.source,
            "run": self.run_id,
            "now": datetime.now(UTC),
            "status": status,
            # A header may carry a NUL, which PostgreSQL text refuses (and the whole flush).
            "etag": repaired(headers.get("etag")),
            "last_modified": repaired(headers.get("last-modified")),
            "reason": reason,
        }
        self._maybe_flush()

    def record_error(
        self, url: str, status: int | None, ignored: bool = False, kind: str | None = None
    ) -> None:
        """A failed article request (``kind``: the newsmill/errors/<kind> bucket).

        An ignored one (robots.txt, offsite) is only unclaimed.
        """
        if ignored:
            self.release([url])
            return
        self.record_fetch(url, status, {}, reason=kind)

    def record_outcome(
        self, url: str, *, stored: bool, published: datetime | None, reason: str | None = None
    ) -> None:
        """What the item pipelines made of a fetched page: stored, or dropped for ``reason``."""
        self._outcomes.append(
            {
                "url": url,
                "stored": stored,
                "reason": reason,
                "published": published if isinstance(published, datetime) else None,
                # A stored page without a date counts as published when first stored.
                "fallback": datetime.now(UTC) if stored else None,
            }
        )
        self._maybe_flush()

    def flush(self) -> None:
        """Write the buffered fetches and outcomes; keep them for the next try on a DB error.

        Bookkeeping must never cost an article: this runs inside spider callbacks, so an
        exception here would drop the page being parsed. While the database is away the
        buffers are kept (bounded: beyond ``_MAX_BUFFERED`` the oldest bookkeeping rows go,
        which only means those URLs may be fetched once more later).
        """
        if not self._fetches and not self._outcomes:
            return
        # In URL order, so concurrent writers of the same rows take their locks in one order.
        fetches = sorted(self._fetches.values(), key=lambda row: row["url"])
        outcomes = self._outcomes
        self._last_flush = time.monotonic()
        try:
            with self.engine.begin() as conn:
                if fetches:
                    conn.execute(_RECORD_FETCH, fetches)
                if outcomes:
                    conn.execute(_RECORD_OUTCOME, outcomes)
        except DBAPIError as exc:
            self.write_failures += 1
            logger.warning(
                "crawl state not written (%d rows kept for the next try): %s",
                len(fetches) + len(outcomes),
                str(exc.orig or exc).splitlines()[0],
            )
            if len(self._fetches) + len(self._outcomes) > _MAX_BUFFERED:
                overflow = len(self._fetches) + len(self._outcomes) - _MAX_BUFFERED
                for url in list(self._fetches)[:overflow]:
                    del self._fetches[url]
                self._outcomes = self._outcomes[-_MAX_BUFFERED:]
            return
        self._fetches, self._outcomes = {}, []

    def close(self) -> None:
        """Write what is buffered and give back this run's unfetched claims.

        If the database is away, the claims expire after NEWSMILL_CLAIM_TTL_SECONDS instead.
        """
        try:
            self.flush()
            with self.engine.begin() as conn:
                conn.execute(_RELEASE_UNFETCHED, {"run": self.run_id})
        except DBAPIError as exc:
            logger.warning("claims of run %s not released: %s", self.run_id, exc.orig or exc)
        finally:
            self._owner.close()
            self.engine.dispose()

    def _maybe_flush(self) -> None:
        pending = len(self._fetches) + len(self._outcomes)
        if pending >= self.flush_rows or time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def _key(self, url: str) -> str:
        try:
            return canonical_url(url, self.tracking)
        except ValueError:
            return url


class ClaimOwner:
    """A run's liveness: a session-level advisory lock on a connection of its own.

    The run id names the lock's key, so any other run can see in ``pg_locks`` whether the
    run holding a claim is still alive; the server drops the lock when the session ends
    (a killed process's socket closes at once; TCP keepalives catch a vanished machine).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._conn = self._engine.connect()
        for _ in range(16):
            key = secrets.randbelow(2**31 - 2) + 1  # a positive int4: pg_locks shows it as is
            taken = self._conn.execute(
                text("SELECT pg_try_advisory_lock(:owner_class, :key)"),
                {"owner_class": CLAIM_OWNER_CLASS, "key": key},
            ).scalar()
            if taken:
                break
        else:  # pragma: no cover - 16 collisions in 2**31 keys
            raise RuntimeError("no free claim owner key")
        self.run_id = f"{key}.{secrets.token_hex(8)}"

    def close(self) -> None:
        with contextlib.suppress(DBAPIError):
            self._conn.close()
        self._engine.dispose()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__} in a parked hint")


def _revive_datetimes(hints: dict[str, Any]) -> dict[str, Any]:
    return {
        key: datetime.fromisoformat(value["$datetime"])
        if isinstance(value, dict) and set(value) == {"$datetime"}
        else value
        for key, value in hints.items()
    }
