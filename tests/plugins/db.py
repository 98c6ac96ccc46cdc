"""Database fixtures: a fresh PostgreSQL database per test session, dropped at the end.

With TEST_DATABASE_URL set, the database is created on that server; otherwise an embedded
server is started in a temporary NEWSMILL_HOME and stopped (and deleted) afterwards.
While the session database exists, DATABASE_URL and NEWSMILL_HOME point at it, so code
under test and ``newsmill``/``scrapy`` subprocesses never touch a user's real database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from pipeline.db.embedded import start_embedded, stop_embedded
from pipeline.db.schema import metadata
from pipeline.db.scratch import create_database, drop_database
from pipeline.db.session import get_engine, normalize_url, upgrade

__all__ = ["allow_connections", "create_database", "drop_database", "embedded_home"]


@contextlib.contextmanager
def embedded_home() -> Iterator[Path]:
    """A NEWSMILL_HOME for an embedded server, stopped and deleted afterwards.

    Not under pytest's tmp_path: pytest resets its base directory to mode 0700 whenever a
    session starts, which locks out the unprivileged user the embedded server runs as
    (as root, pgserver runs PostgreSQL as the user ``pgserver``).
    """
    home = Path(tempfile.mkdtemp(prefix="newsmill-test-"))
    try:
        yield home
    finally:
        stop_embedded(home)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def database_server() -> Iterator[str]:
    """URL of a PostgreSQL server tests may create databases on."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield normalize_url(external)
        return
    with embedded_home() as home:
        yield start_embedded(home)


@pytest.fixture(scope="session")
def database_url(database_server: str) -> Iterator[str]:
    """A fresh, migrated database for this test session; exported as DATABASE_URL."""
    name = f"newsmill_test_{secrets.token_hex(4)}"
    url = create_database(database_server, name)
    saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "NEWSMILL_HOME")}
    try:
        upgrade(url)
        os.environ["DATABASE_URL"] = url
        # Spool files and any embedded server a subprocess might want stay in the temp dir.
        with embedded_home() as session_home:
            # A test that unsets DATABASE_URL starts its embedded server here, not in the
            # user's real data dir; embedded_home stops it at the end.
            os.environ["NEWSMILL_HOME"] = str(session_home)
            yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        drop_database(database_server, name)


@pytest.fixture(scope="session")
def database_env(database_url: str) -> dict[str, str]:
    """Environment for subprocesses (``newsmill``, ``scrapy``) that must use the test database."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    return env


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = get_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def clean_db(engine: Engine) -> Engine:
    """The session engine on emptied tables (identities restarted)."""
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine


@pytest.fixture
def own_db(database_server: str) -> Iterator[tuple[str, str]]:
    """A migrated database of its own, as (url, name), so a test can lock everyone out of it
    (``allow_connections``) or break it without touching the session database."""
    name = f"newsmill_own_{os.getpid()}_{secrets.token_hex(4)}"
    url = create_database(database_server, name)
    upgrade(url)
    yield url, name
    allow_connections(database_server, name, True)
    drop_database(database_server, name)


def allow_connections(server: str, name: str, allow: bool) -> None:
    """Let clients into database ``name`` again, or lock them out and end the sessions it has."""
    admin = create_engine(
        make_url(server).set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allow).lower()}'))
        if not allow:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
    admin.dispose()
