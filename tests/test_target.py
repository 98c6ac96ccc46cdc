"""database_target: one answer to "where is the database, where is the spool" for every caller."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.settings import Settings
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from pipeline.db.records import ArticleRecord
from pipeline.db.spool import spool_records
from pipeline.db.target import database_target
from pipeline.fixtureweb import FixtureWeb, serve
from pipeline.fixtureweb.bench import generate_bench_site
from pipeline.items import Article
from tests.plugins.db import embedded_home

REPO = Path(__file__).resolve().parent.parent


def test_the_home_setting_places_the_embedded_server_and_the_spool(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("NEWSMILL_HOME", str(tmp_path / "from-env"))
    target = database_target(Settings({"NEWSMILL_HOME": str(tmp_path / "home")}))
    assert target.embedded and target.home == tmp_path / "home"
    assert target.spool_dir == tmp_path / "home" / "spool"
    # Without the setting, the environment variable decides.
    assert database_target(Settings({})).home == tmp_path / "from-env"


def test_an_external_url_keeps_the_spool_in_the_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://env@envhost/envdb")
    target = database_target(
        Settings({"NEWSMILL_DATABASE_URL": "postgresql://s@sethost/db", "NEWSMILL_HOME": tmp_path})
    )
    assert target.url == "postgresql+psycopg://env@envhost/envdb"  # the environment wins
    assert target.spool_dir == tmp_path / "spool"


@pytest.fixture
def bench_web() -> Iterator[FixtureWeb]:
    web = serve(sites=[generate_bench_site(4)])
    try:
        yield web
    finally:
        web.stop()


@pytest.mark.slow
def test_scrapy_crawl_keeps_everything_under_the_home_setting(
    bench_web: FixtureWeb, tmp_path: Path
) -> None:
    decoy = tmp_path / "decoy"  # NEWSMILL_HOME in the environment: the setting must win
    urls = [bench_web.url("bench", f"/a/{n}.html") for n in range(1, 5)]
    with embedded_home() as home:
        # An article an earlier run spooled here must be written by this run.
        spooled = _spooled_record()
        spool_records([spooled], home / "spool")
        env = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")
        }
        env.update({"NEWSMILL_HOME": str(decoy), "NEWSMILL_ALLOW_PRIVATE": "127.0.0.1/32"})
        proc = subprocess.run(
            [
                sys.executable, "-m", "scrapy", "crawl", "urls", "-a", "urls=" + ",".join(urls),
                "-s", f"NEWSMILL_HOME={home}", "-s", "NEWSMILL_EXTRACT_WORKERS=0",
                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
            ],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-4000:]
        from pipeline.db.embedded import start_embedded

        engine = create_engine(start_embedded(home), poolclass=NullPool)
        with engine.connect() as conn:
            stored = set(conn.execute(text("SELECT canonical_url FROM articles")).scalars())
            state = set(conn.execute(text("SELECT url FROM crawl_state WHERE stored")).scalars())
            runs = conn.execute(text("SELECT spider, status FROM crawl_runs")).all()
        engine.dispose()
        assert stored == {*urls, spooled.canonical_url}
        assert state == set(urls)
        assert [tuple(run) for run in runs] == [("urls", "finished")]
        assert list((home / "spool").iterdir()) == []  # replayed from the home's spool
    assert not decoy.exists()


def _spooled_record() -> ArticleRecord:
    body = "An article spooled while the database was away, written on the next start. " * 5
    canonical = "https://spooled.example/story.html"
    return ArticleRecord(
        source=None,
        url=canonical,
        canonical_url=canonical,
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        article=Article(title="Spooled", text=body, html=f"<p>{body}</p>"),
        fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
