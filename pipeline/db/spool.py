"""The spool: articles kept on local disk while the database is away, replayed when it is back.

One JSONL file per spooled batch, written to a temporary name, fsynced and renamed, so a
file that has its final name is complete. A replaying writer claims a file by renaming it;
a claim whose process died is given back.
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


def spool_records(records: Iterable[ArticleRecord], spool_dir: Path) -> Path:
    """Write records to a new JSONL file in ``spool_dir`` (atomically: tmp file then rename)."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = spool_dir / f"spool-{stamp}-{os.getpid()}-{secrets.token_hex(4)}.jsonl"
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record_to_json(record) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    tmp.rename(path)
    return path


def _claim_spool_files(spool_dir: Path) -> list[Path]:
    # Renaming is the claim: of two writers starting together only one replays a file.
    claimed = []
    for path in sorted(spool_dir.glob("spool-*.jsonl")):
        target = path.with_name(f"{path.name}.replaying-{os.getpid()}")
        try:
            path.rename(target)
        except FileNotFoundError:
            continue
        claimed.append(target)
    for path in spool_dir.glob("spool-*.jsonl.replaying-*"):
        # A replay whose process died: give the file back.
        pid = int(path.name.rsplit("-", 1)[1])
        if pid != os.getpid() and not _pid_alive(pid):
            path.rename(path.with_name(path.name.split(".replaying-")[0]))
    return claimed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        records = [
            record_from_json(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        chunks = [records[i : i + batch_size] for i in range(0, len(records), batch_size)]
        try:
            for chunk in chunks:
                # Re-writing an already written chunk is harmless: it comes back UNCHANGED.
                results.extend(write(chunk))
        except BaseException:
            for unfinished in claimed[position:]:
                unfinished.rename(unfinished.with_name(unfinished.name.split(".replaying-")[0]))
            raise
        path.unlink()
        logger.info("replayed %d spooled articles from %s", len(records), path.name)
    return results
