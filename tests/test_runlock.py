"""The source lock: one crawl of a source at a time, across processes; kill -9 frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pipeline.demo import write_demo_sources
from pipeline.fixtureweb import FixtureWeb
from pipeline.runlock import SourceLock, source_lock_key

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "pipeline.cli"]
# Slow enough that a crawl of the small "syndicate" site (about 9 requests, one at a time,
# 10 s apart) is still running while two more crawl processes start on a busy machine.
SLOW = ["-s", "DOWNLOAD_DELAY=10", "-s", "AUTOTHROTTLE_ENABLED=False"]
SLOW += ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "NEWSMILL_INCREMENTAL=False"]


def test_lock_keys_are_stable_int4_and_distinct() -> None:
    keys = {source_lock_key(f"source-{n}") for n in range(1000)}
    assert len(keys) == 1000
    assert all(-(2**31) <= key < 2**31 for key in keys)
    assert source_lock_key("ledger") == source_lock_key("ledger")


def test_one_holder_at_a_time_and_release_frees_it(database_url: str) -> None:
    first, second = SourceLock(database_url, "ledger"), SourceLock(database_url, "ledger")
    other = SourceLock(database_url, "huxin")
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert other.try_acquire()  # another source is not blocked
        holder = second.holder()
        assert holder is not None and f"pid {os.getpid()}" in holder.describe()
        first.release()
        assert second.holder() is None
        assert second.try_acquire()
    finally:
        for lock in (first, second, other):
            lock.release()


def _wait_for(condition, timeout: float, what: str, log: Path | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}" + (f": {log.read_text()[-2000:]}" if log else ""))


@pytest.mark.slow
def test_overlapping_crawl_is_skipped_and_kill_9_frees_the_lock(
    clean_db: Engine,
    database_url: str,
    database_env: dict[str, str],
    fresh_web: FixtureWeb,
    tmp_path: Path,
) -> None:
    write_demo_sources(fresh_web, tmp_path)
    crawl = [*NEWSMILL, "crawl", "--source", "syndicate", "-a", f"sources_dir={tmp_path}", "-q"]
    # Without a shared frontier: scrapy-redis would keep one queue for every "source" crawl.
    env = {**database_env, "NEWSMILL_ALLOW_PRIVATE": "127.0.0.0/8", "NEWSMILL_REDIS_URL": ""}
    probe = SourceLock(database_url, "syndicate")
    first = subprocess.Popen([*crawl, *SLOW], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: probe.holder() is not None, 120, "the first crawl to take the lock")

        # A second crawl of the source is refused in one line and recorded as skipped.
        second = subprocess.run(crawl, cwd=ROOT, env=env, capture_output=True, text=True)
        assert second.returncode == 75, second.stderr[-2000:]
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "skipped" in lines[0], second.stderr
        assert "already being crawled" in lines[0] and "run " in lines[0]
        assert "Newsmill crawl summary" not in second.stdout
        with clean_db.connect() as conn:
            skipped = conn.execute(
                text("SELECT stats FROM crawl_runs WHERE status = 'skipped'")
            ).scalar_one()
        assert "already being crawled" in skipped["newsmill/skip_reason"]
        assert skipped.get("downloader/request_count", 0) == 0  # nothing was fetched

        # --wait waits for the lock; kill -9 of the holder hands it over through the dead
        # connection, with no lock file left behind.
        log = tmp_path / "waiter.log"
        with log.open("w") as stderr:
            waiter = subprocess.Popen(
                [*crawl, "--wait", "-s", "NEWSMILL_SOURCE_LOCK_POLL_SECONDS=0.3"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        waiting = "waiting for the running crawl of source 'syndicate' to end (run 1 "
        _wait_for(lambda: waiting in log.read_text(), 120, "the second crawl to wait", log)
        assert first.poll() is None, "the first crawl ended before it could be killed"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        out, _ = waiter.communicate(timeout=120)
        assert waiter.returncode == 0, log.read_text()[-3000:]
        assert "Newsmill crawl summary" in out
    finally:
        if first.poll() is None:
            first.kill()
        first.wait()
        probe.release()
    assert probe.holder() is None
    with clean_db.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM crawl_runs ORDER BY id")).scalars().all()
    # The killed crawl's row is closed as died by the next holder of the lock.
    assert statuses == ["died", "skipped", "finished"]
