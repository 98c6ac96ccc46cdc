"""Database layer: URL resolution, readable connection errors, migrations, the embedded server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from pipeline.db.embedded import PGDATA_DIR, embedded_running, start_embedded, stop_embedded
from pipeline.db.runs import finish_run, recent_runs, start_run
from pipeline.db.schema import metadata
from pipeline.db.scratch import create_database, drop_database
from pipeline.db.session import (
    check_connection,
    current_revision,
    describe_url,
    downgrade,
    head_revision,
    schema_status,
    upgrade,
)
from pipeline.db.target import resolve_database_url
from pipeline.errors import DatabaseUnavailable
from tests.plugins.db import embedded_home

REPO = Path(__file__).resolve().parent.parent
TABLES = {"sources", "articles", "article_urls", "crawl_runs"}


def test_environment_url_wins_over_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://env:pw@envhost:5433/envdb")
    assert (
        resolve_database_url("postgresql://setting@sethost/setdb")
        == "postgresql+psycopg://env:pw@envhost:5433/envdb"
    )


def test_setting_used_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert (
        resolve_database_url("postgresql://setting@sethost/setdb")
        == "postgresql+psycopg://setting@sethost/setdb"
    )


def test_explicit_driver_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://a@b/c")
    assert resolve_database_url() == "postgresql+psycopg://a@b/c"


def test_non_postgres_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///newsmill.db")
    with pytest.raises(DatabaseUnavailable, match="must be a PostgreSQL URL"):
        resolve_database_url()


def test_describe_url_masks_password() -> None:
    described = describe_url("postgresql+psycopg://news:hunter2@db.example:5432/newsmill")
    assert described == "db.example:5432/newsmill (user news, password ***)"


def test_unreachable_database_is_one_masked_line() -> None:
    with pytest.raises(DatabaseUnavailable) as info:
        check_connection("postgresql://u:secret@127.0.0.1:1/x")
    message = str(info.value)
    assert "\n" not in message
    assert "secret" not in message
    assert message.startswith(
        "cannot connect to PostgreSQL at 127.0.0.1:1/x (user u, password ***): connection refused."
    )
    assert "DATABASE_URL" in message


def test_missing_database_is_named(database_server: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(database_server).set(database="newsmill_no_such_db").render_as_string(False)
    with pytest.raises(DatabaseUnavailable, match='database "newsmill_no_such_db" does not exist'):
        check_connection(url)


def test_session_database_has_no_drift(engine: Engine) -> None:
    # The `alembic check` equivalent: models and migrations describe the same schema.
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_status_reports_head(database_url: str) -> None:
    status = schema_status(database_url)
    assert f"schema at {head_revision()} (head, up to date)" in status


def test_migrations_up_down_up(database_server: str) -> None:
    name = f"newsmill_migr_{os.getpid()}"
    url = create_database(database_server, name)
    try:
        assert current_revision(url) is None
        assert "no schema" in schema_status(url)
        upgrade(url)
        assert current_revision(url) == head_revision()
        assert set(_tables(url)) >= TABLES
        downgrade(url, "base")
        assert current_revision(url) is None
        assert not TABLES & set(_tables(url))
        upgrade(url)
        assert set(_tables(url)) >= TABLES
    finally:
        drop_database(database_server, name)


def _tables(url: str) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


_RESOLVE = """
import json, os
from pipeline.db.target import resolve_database_url
print(json.dumps({"url": resolve_database_url(), "pid": os.getpid()}))
"""


@pytest.mark.slow
def test_embedded_server_is_shared_by_concurrent_processes() -> None:
    with embedded_home() as home:
        _check_shared_server(home)
    assert not embedded_running(home)


def _check_shared_server(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["NEWSMILL_HOME"] = str(home)
    try:
        # Two processes race to start the server on one empty data dir.
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _RESOLVE],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        assert outputs[0]["url"] == outputs[1]["url"]
        pgdata = (home / PGDATA_DIR).resolve()
        postmasters = [
            p
            for p in psutil.process_iter(["name", "cmdline", "ppid"])
            if p.info["name"] == "postgres"
            and str(pgdata) in " ".join(p.info["cmdline"] or [])
            and "-D" in (p.info["cmdline"] or [])
        ]
        assert len(postmasters) == 1
        # The server outlived both processes, and the schema is at head.
        assert embedded_running(home)
        assert current_revision(outputs[0]["url"]) == head_revision()
        engine = create_engine(outputs[0]["url"], poolclass=NullPool)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == "newsmill"
        engine.dispose()
        # A third, later process reuses the running server.
        again = subprocess.run(
            [sys.executable, "-c", _RESOLVE], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout.strip().splitlines()[-1])["url"] == outputs[0]["url"]
        assert postmasters[0].is_running()
    finally:
        assert stop_embedded(home)


def test_crawl_runs_are_recorded(clean_db: Engine) -> None:
    first = start_run(clean_db, "feed", "example")
    second = start_run(clean_db, "sitemap", None)
    finish_run(clean_db, first, "finished", {"newsmill/stored": 21, "finish_reason": "finished"})
    runs = recent_runs(clean_db, limit=10)
    assert [run.id for run in runs] == [second, first]
    done = runs[1]
    assert (done.spider, done.source, done.status) == ("feed", "example", "finished")
    assert done.stats == {"newsmill/stored": 21, "finish_reason": "finished"}
    assert done.duration_seconds is not None and done.duration_seconds >= 0
    assert runs[0].status == "running" and runs[0].finished_at is None
    assert len(recent_runs(clean_db, limit=1)) == 1


@pytest.mark.parametrize(
    "url", ["postgresql://u:secret@host:notaport/db", "postgresql+nodriver://u:secret@h/db"]
)
def test_malformed_url_error_masks_password(url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as info:
        check_connection(url)
    message = str(info.value)
    assert message.startswith("invalid DATABASE_URL")
    assert "secret" not in message and "***" in message
    assert "\n" not in message


def test_embedded_start_failure_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / PGDATA_DIR).mkdir(parents=True)
    (home / PGDATA_DIR / "PG_VERSION").write_text("9\n")  # a data dir from another version
    with pytest.raises(DatabaseUnavailable) as info:
        start_embedded(home)
    message = str(info.value)
    assert message.startswith(f"could not start the embedded PostgreSQL in {home / PGDATA_DIR}")
    assert "\n" not in message
