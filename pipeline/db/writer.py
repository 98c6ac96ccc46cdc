"""ArticleWriter: buffers records and writes them in batches; retries, isolates bad rows, spools.

When the database goes away, a batch is retried on fresh connections with backoff, then
written to the spool and ``StorageUnavailable`` is raised; the next writer replays the
spool before its first batch, so no article is lost. When the spool cannot be written
either, ``NothingWritable`` is raised: the crawl must stop, as anything it fetched on would
be lost. Text is repaired (NULs, lone surrogates) when a record is queued, so neither the
database nor the spool's UTF-8 refuses it.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine

from pipeline import settings as project_settings
from pipeline.db.batch import (
    DATABASE_ERRORS,
    DEFAULT_NEAR_DUPLICATE_BITS,
    ROW_ERRORS,
    SCHEMA_ERRORS,
    ConnectionLost,
    reason_line,
    with_conflict_retries,
    write_batch,
)
from pipeline.db.pgtext import repaired
from pipeline.db.records import ArticleRecord, WriteResult
from pipeline.db.spool import replay_spool, spool_records
from pipeline.user_errors import DatabaseUnavailable

logger = logging.getLogger(__name__)

# The database is still away or not ready: the spool waits for a later flush.
_REPLAY_LATER: tuple[type[Exception], ...] = (ConnectionLost, *DATABASE_ERRORS)


class StorageUnavailable(DatabaseUnavailable):
    """The database stayed unreachable; ``count`` records were spooled to ``path``."""

    def __init__(
        self, count: int, path: Path, cause: str, results: Sequence[WriteResult] = ()
    ) -> None:
        super().__init__(
            f"database unavailable ({cause}); {count} articles spooled to {path}, "
            "they are written on the next start"
        )
        self.count = count
        self.path = path
        self.cause = cause
        self.results = list(results)  # what the same call did write before the outage


class NothingWritable(DatabaseUnavailable):
    """Neither the database nor the spool could take ``count`` records: they are lost."""

    def __init__(
        self,
        count: int,
        cause: str,
        spool_dir: Path,
        error: OSError,
        results: Sequence[WriteResult] = (),
    ) -> None:
        super().__init__(
            f"database unavailable ({cause}) and the spool {spool_dir} cannot be written "
            f"({error.strerror or error}): articles can be neither stored nor kept; the crawl "
            "stops, and its pages are fetched again by the next run"
        )
        self.count = count
        self.cause = cause
        self.spool_dir = spool_dir
        self.error = error
        self.results = list(results)  # what the same call did write before


class ArticleWriter:
    """Buffers records and writes them in batches: by size, by age, and on ``flush``/``close``."""

    def __init__(
        self,
        engine: Engine,
        *,
        spool_dir: Path,
        batch_size: int = project_settings.NEWSMILL_STORE_BATCH_SIZE,
        flush_seconds: float = project_settings.NEWSMILL_STORE_FLUSH_SECONDS,
        retries: int = 3,
        retry_backoff: float = 0.5,
        replay: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        outage_seconds: float = 30.0,
        near_duplicate_bits: int = DEFAULT_NEAR_DUPLICATE_BITS,
    ) -> None:
        self.engine = engine
        self.near_duplicate_bits = near_duplicate_bits
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.spool_dir = spool_dir
        self.retries = retries
        self.retry_backoff = retry_backoff
        self._clock = clock
        self._sleep = sleep
        self._pending: list[ArticleRecord] = []
        self._oldest: float | None = None
        self._replay_due = replay
        self._closed = False
        # After a batch had to be spooled, later batches try once without backoff until
        # this time: a crawl must not stall seconds per batch while the server is away.
        self.outage_seconds = outage_seconds
        self._outage_until: float | None = None
        # Records the server refused (never retried, never spooled); logged one by one.
        self.rejected = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, record: ArticleRecord) -> list[WriteResult]:
        """Queue ``record``; returns results if this add filled the batch or it was due."""
        if self._closed:
            raise RuntimeError("ArticleWriter is closed")
        if not self._pending:
            self._oldest = self._clock()
        self._pending.append(repaired(record))
        if len(self._pending) >= self.batch_size:
            return self.flush()
        return self.flush_if_due()

    def add_all(self, records: Sequence[ArticleRecord]) -> list[WriteResult]:
        """``add`` each record; if a batch had to be spooled, the rest are still queued.

        Raises StorageUnavailable after the last record when any batch was spooled (its
        ``count`` is the total spooled), so no record is left unqueued by an outage.
        """
        results: list[WriteResult] = []
        spooled = 0
        last: StorageUnavailable | None = None
        for index, record in enumerate(records):
            try:
                results.extend(self.add(record))
            except StorageUnavailable as exc:
                results.extend(exc.results)
                spooled, last = spooled + exc.count, exc
            except NothingWritable as exc:
                # The records after this one are not queued either: the crawl stops.
                lost = exc.count + len(records) - index - 1
                raise NothingWritable(
                    lost, exc.cause, exc.spool_dir, exc.error, results + exc.results
                ) from exc
        if last is not None:
            raise StorageUnavailable(spooled, last.path, last.cause, results)
        return results

    def flush_if_due(self) -> list[WriteResult]:
        """Flush when the oldest queued record has waited ``flush_seconds``."""
        if self._oldest is not None and self._clock() - self._oldest >= self.flush_seconds:
            return self.flush()
        return []

    def flush(self) -> list[WriteResult]:
        """Write everything queued (and, the first time, what an earlier run spooled)."""
        batch, self._pending, self._oldest = self._pending, [], None
        results: list[WriteResult] = []
        if self._replay_due:
            try:
                results.extend(
                    replay_spool(self.spool_dir, self._write_spooled, batch_size=self.batch_size)
                )
                self._replay_due = False
            except _REPLAY_LATER as exc:
                logger.warning("spool replay postponed: %s", reason_line(exc))
            except Exception:
                # Whatever went wrong, this run's own articles must still be written; the
                # files left in the spool are tried again by the next run.
                logger.exception("spool replay failed; the files stay for the next run")
                self._replay_due = False
        if batch:
            try:
                results.extend(self._write_or_spool(batch))
            except StorageUnavailable as exc:  # keep what the spool replay did write
                raise StorageUnavailable(exc.count, exc.path, exc.cause, results) from exc
            except NothingWritable as exc:
                raise NothingWritable(
                    exc.count, exc.cause, exc.spool_dir, exc.error, results
                ) from exc
        return results

    def close(self) -> list[WriteResult]:
        results = self.flush() if not self._closed else []
        self._closed = True
        return results

    def _write_or_spool(self, batch: list[ArticleRecord]) -> list[WriteResult]:
        in_outage = self._outage_until is not None and self._clock() < self._outage_until
        retries = 0 if in_outage else self.retries
        for attempt in range(retries + 1):
            try:
                results = self._write_isolating_bad_rows(batch)
                if self._outage_until is not None:
                    # Back after an outage: what this run spooled is written on the next flush.
                    self._outage_until, self._replay_due = None, True
                return results
            except ConnectionLost as exc:
                cause = str(exc)
                self._outage_until = self._clock() + self.outage_seconds
                if attempt < retries:
                    delay = self.retry_backoff * 2**attempt
                    logger.warning("database write failed (%s); retry in %.1fs", cause, delay)
                    self._sleep(delay)
            except DATABASE_ERRORS as exc:
                # Retrying cannot help, but the articles are fine: keep them for later.
                cause = reason_line(exc)
                if isinstance(exc, SCHEMA_ERRORS):
                    cause += "; run `newsmill db upgrade` (or check privileges)"
                self._outage_until = self._clock() + self.outage_seconds
                break
        try:
            path = spool_records(batch, self.spool_dir)
        except OSError as exc:
            raise NothingWritable(len(batch), cause, self.spool_dir, exc) from exc
        raise StorageUnavailable(len(batch), path, cause)

    def _write_spooled(self, records: list[ArticleRecord]) -> list[WriteResult]:
        # A spool written before text was repaired on the way in is repaired here.
        return self._write_isolating_bad_rows([repaired(record) for record in records])

    def _write_isolating_bad_rows(self, batch: list[ArticleRecord]) -> list[WriteResult]:
        """Write ``batch``; if the server rejects a row, bisect so only that row is lost."""
        try:
            return with_conflict_retries(
                functools.partial(write_batch, self.engine, batch, self.near_duplicate_bits)
            )
        except ROW_ERRORS as exc:
            if len(batch) == 1:
                # Not marked stored either (that happens in the same transaction): the page
                # stays due and is fetched again by the next run.
                self.rejected += 1
                logger.error(
                    "article rejected by the database, not stored (fetched again next run): "
                    "%s (%s)",
                    batch[0].url,
                    reason_line(exc),
                )
                return []
            middle = len(batch) // 2
            return self._write_isolating_bad_rows(batch[:middle]) + self._write_isolating_bad_rows(
                batch[middle:]
            )
