"""Engines for a PostgreSQL URL, connection checks, and schema migrations (Alembic, shipped in the package)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from pipeline.db.locks import MIGRATION_LOCK
from pipeline.user_errors import DatabaseUnavailable

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
CONNECT_TIMEOUT_SECONDS = 10
_HINT = "Set DATABASE_URL (or NEWSMILL_DATABASE_URL) to a reachable PostgreSQL, or unset it to use the embedded server."


def normalize_url(url: str) -> str:
    """Make a PostgreSQL URL use psycopg 3; reject anything that is not PostgreSQL."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("postgresql+"):
        return url
    scheme = url.split(":", 1)[0] if ":" in url else url
    raise DatabaseUnavailable(
        f"DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:port/database), "
        f"got scheme {scheme!r}."
    )


def get_engine(url: str, **kwargs: Any) -> Engine:
    """An engine on psycopg 3; the caller disposes it."""
    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    connect_args.update(kwargs.pop("connect_args", None) or {})
    return create_engine(
        normalize_url(url), pool_pre_ping=True, connect_args=connect_args, **kwargs
    )


def mask_password(url: str) -> str:
    """The URL as given, with any password replaced by ***; works on unparsable URLs too."""
    return re.sub(r"(://[^:/@?#]*:)[^@/?#]*@", r"\1***@", url)


def describe_url(url: str | URL) -> str:
    """``host:port/database (user u, password ***)`` with the password masked."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return mask_password(str(url))
    socket_dir = parsed.query.get("host")
    if parsed.host:
        where = f"{parsed.host}:{parsed.port or 5432}/{parsed.database or ''}"
    elif socket_dir:
        where = f"unix socket {socket_dir}/{parsed.database or ''}"
    else:
        where = f"localhost/{parsed.database or ''}"
    who = []
    if parsed.username:
        who.append(f"user {parsed.username}")
    if parsed.password:
        who.append("password ***")
    return f"{where} ({', '.join(who)})" if who else where


def _reason(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc)
    lowered = message.lower()
    known = [
        ("connection refused", "connection refused"),
        ("password authentication failed", "password authentication failed"),
        ("no password supplied", "a password is required"),
        ("could not translate host name", "unknown host"),
        ("name or service not known", "unknown host"),
        ("timeout expired", "connection timed out"),
        ("no such file or directory", "no server is listening on that socket"),
        ("does not exist", None),
    ]
    for needle, reason in known:
        if needle in lowered:
            if reason is None:  # e.g. database "x" does not exist: the server's words are clear
                match = re.search(r'(database|role) "[^"]*" does not exist', message)
                return match.group(0) if match else "does not exist"
            return reason
    first = next((line.strip() for line in message.splitlines() if line.strip()), "")
    return first[:200] or type(exc).__name__


def unavailable_message(url: str, exc: BaseException) -> str:
    return f"cannot connect to PostgreSQL at {describe_url(url)}: {_reason(exc)}. {_HINT}"


def check_connection(url: str) -> None:
    """Raise DatabaseUnavailable with a one-line, password-free message if ``url`` is unusable."""
    try:
        engine = create_engine(
            normalize_url(url),
            poolclass=NullPool,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        )
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        # The parser's message may quote the whole URL, password included: mask it.
        reason = mask_password(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise DatabaseUnavailable(
            f"invalid DATABASE_URL {describe_url(url)}: {reason}. {_HINT}"
        ) from None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise DatabaseUnavailable(unavailable_message(url, exc)) from None
    finally:
        engine.dispose()


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the migrations inside the installed package (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Run Alembic migrations up to ``revision``; safe to call from several processes at once."""
    _migrate(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    _migrate(url, lambda config: command.downgrade(config, revision))


def _migrate(url: str, run: Callable[[Config], object]) -> None:
    check_connection(url)
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()
            try:
                config = alembic_config(url)
                config.attributes["connection"] = conn
                run(config)
                conn.commit()
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                conn.commit()
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_status(url: str) -> str:
    """One line: where the database is, its schema revision and whether it is at head."""
    check_connection(url)
    current = current_revision(url)
    head = head_revision()
    where = describe_url(url)
    if current is None:
        return f"{where}: no schema (head is {head}); run `newsmill db upgrade`"
    if current == head:
        return f"{where}: schema at {current} (head, up to date)"
    return f"{where}: schema at {current}, head is {head}; run `newsmill db upgrade`"
