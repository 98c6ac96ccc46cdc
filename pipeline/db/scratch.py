"""Throwaway databases for tests and benchmarks: created fresh on a server, dropped after."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from pipeline.db.session import normalize_url, upgrade


def _admin_engine(server_url: str) -> Engine:
    admin = make_url(normalize_url(server_url)).set(database="postgres")
    return create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")


def create_database(server_url: str, name: str) -> str:
    """CREATE DATABASE ``name`` on the server of ``server_url``; return its URL (not migrated)."""
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    url = make_url(normalize_url(server_url)).set(database=name)
    return url.render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    """Drop ``name`` even with connections left over (a killed subprocess, a pooled engine)."""
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def scratch_database(prefix: str) -> tuple[str, Callable[[], None], str]:
    """A fresh, migrated database on DATABASE_URL's server, else on the embedded server.

    Returns its URL, a function that drops it, and a description for a benchmark's output.
    """
    from pipeline.db.target import target_from

    target = target_from(None, None)  # DATABASE_URL, else the embedded server in NEWSMILL_HOME
    if target.url is not None:
        server, where = target.url, "DATABASE_URL server"
    else:
        from pipeline.db.embedded import start_embedded

        server, where = start_embedded(target.home), "embedded server"
    name = f"{prefix}_{secrets.token_hex(4)}"
    url = create_database(server, name)
    upgrade(url)
    engine = _admin_engine(server)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
    finally:
        engine.dispose()
    return (
        url,
        lambda: drop_database(server, name),
        f"fresh {name} on the {where} (PostgreSQL {version})",
    )
