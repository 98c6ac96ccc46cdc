"""The spool: articles kept on local disk while the database is away, replayed when it is back.

One JSONL file per spooled batch, one record per line, written to a temporary name,
fsynced, renamed and its directory fsynced, so a file with its final name survives a crash
of the machine. A replaying writer claims a file by renaming it; a claim whose process died
is given back, and the temporary file of a spooler that died mid-write is replayed too (its
complete lines). Replaying is idempotent: a record already written comes back UNCHANGED.
A line that cannot be read (a truncated last line, a damaged disk) is set aside in
``corrupt/`` with a warning and never blocks the lines around it.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from pipeline.db.records import ArticleRecord, WriteResult, record_from_json, record_to_json

logger = logging.getLogger(__name__)

CORRUPT_DIR = "corrupt"


def spool_records(records: Iterable[ArticleRecord], spool_dir: Path) -> Path:
    """Write records to a new JSONL file in ``spool_dir``; raises OSError if that is impossible."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = spool_dir / f"spool-{stamp}-{os.getpid()}-{secrets.token_hex(4)}.jsonl"
    tmp = path.with_suffix(".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(record_to_json(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        tmp.rename(path)
        _fsync_directory(spool_dir)
    except OSError:
        tmp.unlink(missing_ok=True)  # a partial file of a disk that is full helps nobody
        raise
    return path


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk too.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _claim_spool_files(spool_dir: Path) -> list[Path]:
    for path in spool_dir.glob("spool-*.tmp"):
        # A spooler killed mid-write: its complete lines are worth replaying.
        writer = _writer_pid(path.name)
        if writer is not None and writer != os.getpid() and not _pid_alive(writer):
            path.rename(path.with_suffix(".jsonl"))
    for path in spool_dir.glob("spool-*.jsonl.replaying-*"):
        # A replay whose process died: give the file back.
        pid = int(path.name.rsplit("-", 1)[1])
        if pid != os.getpid() and not _pid_alive(pid):
            path.rename(path.with_name(path.name.split(".replaying-")[0]))
    # Renaming is the claim: of two writers starting together only one replays a file.
    claimed = []
    for path in sorted(spool_dir.glob("spool-*.jsonl")):
        target = path.with_name(f"{path.name}.replaying-{os.getpid()}")
        try:
            path.rename(target)
        except FileNotFoundError:
            continue
        claimed.append(target)
    return claimed


def _writer_pid(name: str) -> int | None:
    # spool-<stamp>-<pid>-<token>.tmp
    parts = name.split("-")
    return int(parts[2]) if len(parts) >= 4 and parts[2].isdigit() else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_spool_file(path: Path) -> tuple[list[ArticleRecord], list[bytes]]:
    """The records of one spool file, and the lines that are not records."""
    records: list[ArticleRecord] = []
    bad: list[bytes] = []
    for raw in path.read_bytes().splitlines():
        if not raw.strip():
            continue
        try:
            records.append(record_from_json(raw.decode("utf-8")))
        except (ValueError, TypeError, KeyError) as exc:  # JSON, UTF-8 and field errors
            logger.debug("unreadable spool line in %s: %s", path.name, exc)
            bad.append(raw)
    return records, bad


def _set_aside(spool_dir: Path, path: Path, lines: list[bytes]) -> Path:
    corrupt = spool_dir / CORRUPT_DIR
    corrupt.mkdir(exist_ok=True)
    target = corrupt / path.name.split(".replaying-")[0]
    with target.open("ab") as handle:
        handle.write(b"\n".join(lines) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return target


def replay_spool(
    spool_dir: Path,
    write: Callable[[list[ArticleRecord]], list[WriteResult]],
    *,
    batch_size: int,
) -> list[WriteResult]:
    """Hand spooled records to ``write`` in chunks and delete each file once written.

    If ``write`` raises (the database is still away), the files not finished stay for the
    next attempt and the error propagates.
    """
    if not spool_dir.is_dir():
        return []
    results: list[WriteResult] = []
    claimed = _claim_spool_files(spool_dir)
    for position, path in enumerate(claimed):
        try:
            records, bad = read_spool_file(path)
            for start in range(0, len(records), batch_size):
                # Re-writing an already written chunk is harmless: it comes back UNCHANGED.
                results.extend(write(records[start : start + batch_size]))
            if bad:
                aside = _set_aside(spool_dir, path, bad)
                logger.warning(
                    "%d unreadable lines of spool file %s set aside in %s",
                    len(bad),
                    path.name.split(".replaying-")[0],
                    aside,
                )
        except BaseException:
            for unfinished in claimed[position:]:
                unfinished.rename(unfinished.with_name(unfinished.name.split(".replaying-")[0]))
            raise
        path.unlink()
        logger.info("replayed %d spooled articles from %s", len(records), path.name)
    return results
