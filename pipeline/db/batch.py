"""One batch of articles in one transaction: COPY into a staging table, then set-based SQL.

Nothing is ever selected first and inserted after: ``INSERT … ON CONFLICT DO NOTHING``
lets the unique constraints on ``canonical_url`` and ``content_hash`` decide, so two
crawlers writing the same articles at the same time store each exactly once. Rows the
insert skipped are then classified by what they collided with (a re-crawl of the same
canonical URL whose text changed, or the same text stored under another URL). Unchanged
re-crawls are matched by key before anything is staged, so their bodies never travel.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg
import psycopg.errors
from psycopg.types.json import Jsonb
from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError

from pipeline import settings as project_settings
from pipeline.db.lineage import (
    Sighting,
    StoryCandidate,
    assign_stories,
    join_story_of,
    keep_replaced_versions,
    record_sightings,
)
from pipeline.db.locks import NEAR_DUPLICATE_LOCK
from pipeline.db.models import SIMHASH_QUARTER_SHIFTS, simhash_quarter
from pipeline.db.models import Article as ArticleRow
from pipeline.db.records import (
    CONTENT_COLUMNS,
    FETCH_COLUMNS,
    ArticleRecord,
    WriteOutcome,
    WriteResult,
    column_values,
)

logger = logging.getLogger(__name__)

# Near-duplicate marking: SimHash distance at or below this many bits (0: off), for callers
# without settings; the value is NEWSMILL_NEAR_DUPLICATE_BITS in pipeline/settings.py.
# Candidates share a 16-bit quarter of the hash, so every pair within 3 bits is found, or the
# headline, which catches most copies further apart. On the eval dev pages an added credit
# line moves a text by 2 bits (median; 5 at p90), a dropped last paragraph by 4 (8 at p90),
# and no two of 242 unrelated pages are closer than 13 bits.
DEFAULT_NEAR_DUPLICATE_BITS = project_settings.NEWSMILL_NEAR_DUPLICATE_BITS

_MAX_EXTRA_ROUNDS = 5


class _Unresolved(Exception):
    """Rows still matched nothing after extra rounds; the whole batch is retried."""


# The staging table's (column, type), in COPY order, from the records' columns and the
# model's types. It is created once per pooled connection; ON COMMIT DELETE ROWS empties it
# after every batch.
_TYPES = {
    column.name: column.type.compile(dialect=postgresql.dialect()).lower()
    for column in ArticleRow.__table__.columns
}
_STAGING: tuple[tuple[str, str], ...] = (
    ("source", "text"),
    ("canonical_url", _TYPES["canonical_url"]),
    *((name, _TYPES[name]) for name in (*CONTENT_COLUMNS, *FETCH_COLUMNS)),
)
_STAGING_COLUMNS = tuple(name for name, _ in _STAGING)
_STAGING_TYPES = tuple(kind for _, kind in _STAGING)
_CREATE_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS newsmill_staging ("
    + ", ".join(f"{name} {kind}" for name, kind in _STAGING)
    + ") ON COMMIT DELETE ROWS"
)

_ARTICLE_COLUMNS = ("source_id", "canonical_url", *CONTENT_COLUMNS, *FETCH_COLUMNS)

# Ordered by canonical_url so concurrent writers take unique-index locks in one order.
_INSERT = f"""
INSERT INTO articles AS a ({", ".join(_ARTICLE_COLUMNS)})
SELECT src.id, {", ".join(f"s.{c}" for c in _ARTICLE_COLUMNS[1:])}
FROM newsmill_staging s LEFT JOIN sources src ON src.name = s.source
ORDER BY s.canonical_url
ON CONFLICT DO NOTHING
RETURNING a.id, a.canonical_url
"""

# Same canonical URL, new text, and that text is not stored under another URL yet.
_UPDATE_CHANGED = f"""
UPDATE articles a SET
    source_id = COALESCE(src.id, a.source_id),
    {", ".join(f"{c} = s.{c}" for c in (*CONTENT_COLUMNS, *FETCH_COLUMNS))},
    last_seen = now(), updated_at = now()
FROM newsmill_staging s LEFT JOIN sources src ON src.name = s.source
WHERE a.canonical_url = s.canonical_url
  AND a.content_hash IS DISTINCT FROM s.content_hash
  AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.content_hash = s.content_hash)
RETURNING a.id, s.canonical_url
"""

# A re-crawl with the same text: only keys travel (no bodies), only small columns change.
_TOUCH_UNCHANGED = f"""
UPDATE articles a SET
    last_seen = now(),
    {", ".join(f"{c} = COALESCE(s.{c}, a.{c})" for c in FETCH_COLUMNS)}
FROM unnest(%s::text[], %s::text[], {", ".join(f"%s::{_TYPES[c]}[]" for c in FETCH_COLUMNS)})
    AS s(canonical_url, content_hash, {", ".join(FETCH_COLUMNS)})
WHERE a.canonical_url = s.canonical_url AND a.content_hash = s.content_hash
RETURNING a.id, a.canonical_url
"""

_FIND_SAME_CONTENT = """
SELECT a.id, s.canonical_url
FROM newsmill_staging s JOIN articles a ON a.content_hash = s.content_hash
WHERE s.canonical_url = ANY(%s)
"""

_INSERT_URLS = """
INSERT INTO article_urls (url, article_id)
SELECT u.url, u.article_id FROM unnest(%s::text[], %s::bigint[]) AS u(url, article_id)
ORDER BY u.url
ON CONFLICT (url) DO NOTHING
"""

# New articles whose SimHash is within %(bits)s bits of an earlier article's point to it (to
# its original, if it is itself a copy); the closest wins. Two copies in one batch: the
# later points to the earlier. Run last in the batch's transaction, under the advisory
# lock, so it waits on no row another writer holds.
_SHARES_A_QUARTER = "\n               OR ".join(
    f"({simhash_quarter('b.simhash', shift)}) = ({simhash_quarter('f.simhash', shift)})"
    for shift in SIMHASH_QUARTER_SHIFTS
)
_MARK_NEAR_DUPLICATES = f"""
WITH fresh AS (
    SELECT id, simhash, title FROM articles WHERE id = ANY(%(ids)s) AND simhash IS NOT NULL
), found AS (
    SELECT f.id, m.original
    FROM fresh f CROSS JOIN LATERAL (
        SELECT COALESCE(b.near_duplicate_of, b.id) AS original FROM articles b
        WHERE ({_SHARES_A_QUARTER}
               OR (md5(lower(b.title)) = md5(lower(f.title))
                   AND b.first_seen > now() - interval '30 days'))
          AND b.id <> f.id
          AND (b.id < f.id OR b.id <> ALL(%(ids)s))
          AND bit_count(CAST(b.simhash # f.simhash AS bit(64))) <= %(bits)s
        ORDER BY bit_count(CAST(b.simhash # f.simhash AS bit(64))), b.id
        LIMIT 1
    ) m
)
UPDATE articles a SET near_duplicate_of = found.original
FROM found WHERE a.id = found.id AND found.original <> a.id
RETURNING a.id, found.original
"""

# The crawl state says "stored" in the transaction that stores the article, never before:
# a crash, a full disk or a rejected row between the two would otherwise leave a page
# remembered as stored that is not in the database, and later runs would skip it for good.
# The fetch facts go only forward in time (the crawler records its fetch on its own
# schedule, before or after this commit).
_STATE_STORED = """
WITH page AS (
    SELECT DISTINCT ON (u.url) u.*
    FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::smallint[], %s::text[],
                %s::text[], %s::timestamptz[])
        AS u(url, source, fetched_at, status, etag, last_modified, published)
    ORDER BY u.url, u.fetched_at DESC NULLS LAST
), marked AS (
    UPDATE crawl_state s SET
        stored = true,
        drop_reason = NULL,
        published = COALESCE(p.published, s.published, now()),
        fetched_at = GREATEST(s.fetched_at, p.fetched_at),
        status = CASE WHEN s.fetched_at IS NULL OR p.fetched_at >= s.fetched_at
                      THEN p.status ELSE s.status END,
        etag = CASE WHEN s.fetched_at IS NULL OR p.fetched_at >= s.fetched_at
                    THEN p.etag ELSE s.etag END,
        last_modified = CASE WHEN s.fetched_at IS NULL OR p.fetched_at >= s.fetched_at
                             THEN p.last_modified ELSE s.last_modified END
    FROM page p WHERE s.url = p.url
    RETURNING s.url
)
INSERT INTO crawl_state AS s (url, source, first_seen, fetched_at, status, etag, last_modified,
                              fetch_count, stored, published)
SELECT p.url, p.source, now(), p.fetched_at, p.status, p.etag, p.last_modified, 1, true,
       COALESCE(p.published, now())
FROM page p WHERE p.url NOT IN (SELECT url FROM marked)
ORDER BY p.url
ON CONFLICT (url) DO UPDATE SET stored = true, drop_reason = NULL
"""

_INSERT_SOURCES = """
INSERT INTO sources (name) SELECT unnest(%s::text[]) AS name ORDER BY name
ON CONFLICT (name) DO NOTHING
"""


def _pg_text(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; pages occasionally carry one. The check is a fast scan.
    if value and "\x00" in value:
        return value.replace("\x00", "")
    return value


def _pg_json(value: Any) -> Any:
    if isinstance(value, str):
        return _pg_text(value)
    if isinstance(value, dict):
        return {key: _pg_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_pg_json(item) for item in value]
    return value


def _aware(value: datetime | None) -> datetime | None:
    # A time without a zone is taken as UTC: deterministic, whatever the server's TimeZone.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _staging_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "jsonb":
        return Jsonb(_pg_json(value))
    if kind.endswith("[]"):
        return [_pg_text(item) for item in value]
    if kind.startswith("timestamp"):
        return _aware(value)
    if kind == "text":
        return _pg_text(value)
    return value


def _staging_row(record: ArticleRecord) -> list[Any]:
    values = column_values(record)
    # The canonical URL is the key results are matched by: staged exactly as given.
    row = [record.source, record.canonical_url]
    row.extend(_staging_value(kind, values[name]) for name, kind in _STAGING[2:])
    return row


def _rounds(records: Sequence[ArticleRecord]) -> list[list[int]]:
    """Split a batch so no round repeats a canonical URL or a content hash.

    One statement may not touch a row twice (ON CONFLICT would fail), and a later copy of a
    page must see the earlier one's outcome; so a record goes to the round after the last
    one holding its URL or its text, and rounds run in order in one transaction.
    """
    rounds: list[list[int]] = []
    last_round: dict[str, int] = {}
    for index, record in enumerate(records):
        keys = ("url:" + record.canonical_url, "hash:" + record.content_hash)
        position = max((last_round[key] + 1 for key in keys if key in last_round), default=0)
        if position == len(rounds):
            rounds.append([])
        rounds[position].append(index)
        for key in keys:
            last_round[key] = position
    return rounds


def _touch_columns(records: Sequence[ArticleRecord]) -> list[list[Any]]:
    columns = [[r.canonical_url for r in records], [r.content_hash for r in records]]
    for name in FETCH_COLUMNS:
        columns.append([_staging_value(_TYPES[name], getattr(r, name)) for r in records])
    return columns


def _write_round(
    cur: psycopg.Cursor[Any], records: Sequence[ArticleRecord], staging_used: bool
) -> dict[str, tuple[WriteOutcome, int]]:
    """Classify and write one round (unique canonical URLs and hashes) with set statements."""
    resolved: dict[str, tuple[WriteOutcome, int]] = {}
    cur.execute(_TOUCH_UNCHANGED, _touch_columns(records))
    for article_id, canonical in cur.fetchall():
        resolved[canonical] = (WriteOutcome.UNCHANGED, article_id)
    pending = [r for r in records if r.canonical_url not in resolved]
    if not pending:
        return resolved

    if staging_used:
        cur.execute("DELETE FROM newsmill_staging")
    # Binary COPY: 5 KB bodies are sent as they are, with no escaping on either side.
    columns = ", ".join(_STAGING_COLUMNS)
    with cur.copy(f"COPY newsmill_staging ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_STAGING_TYPES)
        for record in pending:
            copy.write_row(_staging_row(record))
    cur.execute(_INSERT)
    for article_id, canonical in cur.fetchall():
        resolved[canonical] = (WriteOutcome.STORED, article_id)
    if len(resolved) < len(records):
        # The texts about to be replaced become versions; a change of digits alone (a view
        # counter, "3 minutes ago") is no new version and leaves the article as it is.
        trivial = [r for r in keep_replaced_versions(cur) if not r.substantive]
        if trivial:
            urls = [r.canonical_url for r in trivial]
            cur.execute("DELETE FROM newsmill_staging WHERE canonical_url = ANY(%s)", (urls,))
            cur.execute(
                "UPDATE articles SET last_seen = now() WHERE id = ANY(%s)",
                ([r.article_id for r in trivial],),
            )
            for r in trivial:
                resolved[r.canonical_url] = (WriteOutcome.UNCHANGED, r.article_id)
        cur.execute(_UPDATE_CHANGED)
        for article_id, canonical in cur.fetchall():
            resolved[canonical] = (WriteOutcome.UPDATED, article_id)
    remaining = [r.canonical_url for r in records if r.canonical_url not in resolved]
    if remaining:
        cur.execute(_FIND_SAME_CONTENT, (remaining,))
        for article_id, canonical in cur.fetchall():
            resolved.setdefault(canonical, (WriteOutcome.DUPLICATE_CONTENT, article_id))
    return resolved


class ConnectionLost(Exception):
    """The connection could not be opened or died mid-batch (as opposed to a bad statement)."""


def write_batch(
    engine: Engine,
    records: Sequence[ArticleRecord],
    near_duplicate_bits: int = DEFAULT_NEAR_DUPLICATE_BITS,
) -> list[WriteResult]:
    """Write ``records`` in one transaction; results in input order.

    Raises ConnectionLost when the server is unreachable or the connection broke; any
    other database error (a row the server rejects) propagates as the driver raised it.
    """
    if not records:
        return []
    try:
        proxy = engine.raw_connection()
    except (DBAPIError, psycopg.Error) as exc:  # the pool may re-raise the driver's own error
        raise ConnectionLost(reason_line(exc)) from exc
    try:
        conn: psycopg.Connection[Any] = proxy.driver_connection  # type: ignore[assignment]
        try:
            results = _write_batch(conn, records, near_duplicate_bits)
            conn.commit()
            return results
        except BaseException as exc:
            _rollback_quietly(conn)
            # Judge by the connection, not the exception class: PostgreSQL reports some
            # data errors (e.g. an index row too large) as OperationalError too.
            if conn.broken or conn.closed:
                proxy.invalidate()  # a dead connection must not go back to the pool
                raise ConnectionLost(reason_line(exc)) from exc
            raise
    finally:
        proxy.close()


def _write_batch(
    conn: psycopg.Connection[Any], records: Sequence[ArticleRecord], near_duplicate_bits: int
) -> list[WriteResult]:
    outcomes: list[tuple[WriteOutcome, int] | None] = [None] * len(records)
    with conn.cursor() as cur:
        cur.execute(_CREATE_STAGING)
        names = sorted({r.source for r in records if r.source})
        if names:
            cur.execute(_INSERT_SOURCES, (names,))
        rounds = _rounds(records)
        extra_rounds = 0
        for number, members in enumerate(rounds):
            resolved = _write_round(cur, [records[i] for i in members], staging_used=number > 0)
            leftover = []
            for index in members:
                outcome = resolved.get(records[index].canonical_url)
                if outcome is None:
                    leftover.append(index)
                outcomes[index] = outcome
            if leftover:
                # A row matched nothing: what it collided with changed after the insert (a
                # later copy in this batch rewrote that article, or a concurrent writer
                # did). Trying it again in a round of its own stores or classifies it.
                extra_rounds += 1
                if extra_rounds > _MAX_EXTRA_ROUNDS:
                    raise _Unresolved(f"{len(leftover)} rows unresolved after retries")
                rounds.append(leftover)
        url_to_article: dict[str, int] = {}
        for record, outcome in zip(records, outcomes, strict=True):
            assert outcome is not None
            for url in record.all_urls():
                url_to_article.setdefault(url, outcome[1])
        cur.execute(_INSERT_URLS, (list(url_to_article), list(url_to_article.values())))
        fresh = [o[1] for o in outcomes if o is not None and o[0] is WriteOutcome.STORED]
        originals: dict[int, int] = {}
        if fresh and near_duplicate_bits > 0:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (NEAR_DUPLICATE_LOCK,))
            cur.execute(_MARK_NEAR_DUPLICATES, {"ids": fresh, "bits": near_duplicate_bits})
            originals = dict(cur.fetchall())
        _mark_stored(cur, records, outcomes)
        _record_lineage(cur, records, outcomes)
    return [
        WriteResult(
            record,
            outcome[0],
            outcome[1],
            originals.get(outcome[1]) if outcome[0] is WriteOutcome.STORED else None,
        )
        for record, outcome in zip(records, outcomes, strict=True)
        if outcome is not None
    ]


def _record_lineage(
    cur: psycopg.Cursor[Any],
    records: Sequence[ArticleRecord],
    outcomes: Sequence[tuple[WriteOutcome, int] | None],
) -> None:
    """Sightings of every written page, stories of new articles, bands of changed texts."""
    sightings: list[Sighting] = []
    fresh: list[StoryCandidate] = []
    changed: list[StoryCandidate] = []
    copies: dict[str, int] = {}  # canonical URL -> the article whose text it carries
    for record, outcome in zip(records, outcomes, strict=True):
        if outcome is None or outcome[0] is WriteOutcome.UNCHANGED:
            continue
        kind, article_id = outcome
        article = record.article
        sightings.append(
            Sighting(
                article_id,
                _pg_text(record.source),
                _pg_text(record.canonical_url) or "",
                _pg_text(article.title),
                _aware(article.published),
            )
        )
        candidate = StoryCandidate(article_id, record.minhash or b"", record.story_bands)
        if kind is WriteOutcome.STORED:
            fresh.append(candidate)
        elif kind is WriteOutcome.UPDATED:
            changed.append(candidate)
        else:
            copies[record.canonical_url] = article_id
    record_sightings(cur, sightings)
    assign_stories(cur, fresh)
    assign_stories(cur, changed, join_existing=False)
    if copies:
        # A stored page whose new text is another article's text: it joins that story.
        cur.execute(
            "SELECT id, canonical_url FROM articles WHERE canonical_url = ANY(%s)",
            (list(copies),),
        )
        join_story_of(
            cur, [(own, copies[url]) for own, url in cur.fetchall() if own != copies[url]]
        )


def _mark_stored(
    cur: psycopg.Cursor[Any],
    records: Sequence[ArticleRecord],
    outcomes: Sequence[tuple[WriteOutcome, int] | None],
) -> None:
    """Mark the crawl-state rows of the pages this batch wrote (every outcome is in the DB)."""
    pages = [r for r, o in zip(records, outcomes, strict=True) if o is not None and r.state_url]
    if not pages:
        return
    cur.execute(
        _STATE_STORED,
        [
            [r.state_url for r in pages],
            [r.source for r in pages],
            [_aware(r.fetched_at) for r in pages],
            [r.http_status for r in pages],
            [r.etag for r in pages],
            [r.last_modified for r in pages],
            [_aware(r.article.published) for r in pages],
        ],
    )


def _rollback_quietly(conn: psycopg.Connection[Any]) -> None:
    # If the connection is already gone the caller invalidates it.
    with contextlib.suppress(psycopg.Error):
        conn.rollback()


def _is_retryable_conflict(exc: BaseException) -> bool:
    # Deadlocks and unique violations from a concurrent writer's commit between our
    # statements: the whole batch is retried and re-classified against committed rows.
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    return isinstance(
        cause,
        (
            psycopg.errors.DeadlockDetected,
            psycopg.errors.SerializationFailure,
            psycopg.errors.UniqueViolation,
            _Unresolved,
        ),
    )


def with_conflict_retries(
    write: Callable[[], list[WriteResult]], attempts: int = 8
) -> list[WriteResult]:
    for attempt in range(attempts):
        try:
            return write()
        except Exception as exc:
            if not _is_retryable_conflict(exc) or attempt == attempts - 1:
                raise
            logger.debug("concurrent write conflict (%s); retrying the batch", type(exc).__name__)
            time.sleep(random.uniform(0.0, 0.05 * (attempt + 1)))
    raise AssertionError("unreachable")


# Errors caused by a row's content (bad data, a limit, a constraint): only that row is lost.
ROW_ERRORS = (
    psycopg.DataError,
    psycopg.IntegrityError,
    psycopg.errors.ProgramLimitExceeded,
    UnicodeError,
    _Unresolved,
)
# Errors that every row would hit: the batch is spooled instead. No schema or no rights
# (the user must act), or the server cannot take writes now (its disk is full, it is out of
# memory or connections, shutting down, or failing I/O).
SCHEMA_ERRORS = (
    psycopg.errors.UndefinedTable,
    psycopg.errors.UndefinedColumn,
    psycopg.errors.UndefinedFunction,
    psycopg.errors.InsufficientPrivilege,
    psycopg.errors.ReadOnlySqlTransaction,
)
# SQLSTATE classes 53 (insufficient resources: disk full, out of memory), 57 (operator
# intervention: shutting down) and 58 (system error: I/O). psycopg gives each SQLSTATE a
# class of its own, not a subclass of its class's base, so they are listed by code.
UNAVAILABLE_ERRORS: tuple[type[psycopg.Error], ...] = tuple(
    error
    for error in vars(psycopg.errors).values()
    if isinstance(error, type)
    and issubclass(error, psycopg.Error)
    and (getattr(error, "sqlstate", None) or "").startswith(("53", "57", "58"))
)
DATABASE_ERRORS: tuple[type[psycopg.Error], ...] = (*SCHEMA_ERRORS, *UNAVAILABLE_ERRORS)


def reason_line(exc: BaseException) -> str:
    text = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
