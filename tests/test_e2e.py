"""End to end: the CLI and `scrapy crawl` over the fixture web into PostgreSQL, deduplicated."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, text

from pipeline.demo import write_demo_sources
from pipeline.fixtureweb import FixtureWeb
from pipeline.fixtureweb.manifest import Manifest

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "pipeline.cli"]

pytestmark = pytest.mark.slow


def _run(
    cmd: list[str], env: dict[str, str], timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _stored(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, canonical_url, title, text, published, authors FROM articles")
        ).mappings()
        return {urlsplit(r["canonical_url"]).path: dict(r) for r in rows}


def test_demo_stores_every_article_once_without_chrome(
    clean_db: Engine, database_env: dict[str, str], web_manifest: Manifest
) -> None:
    result = _run([*NEWSMILL, "demo", "--port", "0", "--quiet"], database_env)
    assert result.returncode == 0, result.stderr[-3000:]
    stored_line = re.search(r"articles stored\s+(\d+)", result.stdout)
    assert stored_line and int(stored_line.group(1)) >= 20, result.stdout
    # The home page's bait links are counted, not crashed on; robots.txt is honoured.
    errors = re.search(r"errors\s+(.*)", result.stdout)
    assert errors, result.stdout
    for kind in ("http_4xx", "http_5xx", "too_large"):
        assert kind in errors.group(1), result.stdout
    assert re.search(r"not fetched\s+\d+ \(.*robots [1-9]", result.stdout), result.stdout
    with clean_db.connect() as conn:
        forbidden = conn.execute(
            text("SELECT sum((stats->>'robotstxt/forbidden')::int) FROM crawl_runs")
        ).scalar()
    assert forbidden and forbidden >= 1

    stored = _stored(clean_db)
    expected = {a.path: a for a in web_manifest.unique_articles()}
    assert set(stored) == set(expected)
    for path, article in expected.items():
        row = stored[path]
        assert row["title"] == article.title, path
        assert row["published"] == article.published, path
        assert article.sentence in row["text"], path
    chrome = {s for site in web_manifest.sites.values() for s in site.chrome_strings}
    leaks = {(path, s) for path, row in stored.items() for s in chrome if s in str(row["text"])}
    assert not leaks

    # A tracking-parameter URL and a syndicated copy's URL point at the one stored article.
    # (A redirect alias is recorded when it is followed; the section heuristics follow
    # /news/2026/11/22/… but not a dateless /go/… link, so redirects are not asserted.)
    with clean_db.connect() as conn:
        urls = conn.execute(
            text(
                "SELECT u.url, a.canonical_url FROM article_urls u JOIN articles a ON a.id = u.article_id"
            )
        ).all()
    # Keyed by path and query, as the manifest names URLs (each site has its own port).
    seen = {urlsplit(u)._replace(scheme="", netloc="").geturl(): urlsplit(c).path for u, c in urls}
    pairs = [pair for pair in web_manifest.duplicates if pair.kind in ("url", "content")]
    assert {pair.kind for pair in pairs} == {"url", "content"}
    for pair in pairs:
        assert seen.get(pair.copy[1]) == pair.original[1], pair

    # The republisher's edited copy is stored, pointing at the original; nothing else is.
    with clean_db.connect() as conn:
        marked = conn.execute(
            text(
                "SELECT c.canonical_url, o.canonical_url FROM articles c"
                " JOIN articles o ON o.id = c.near_duplicate_of"
            )
        ).all()
    near = {
        (pair.copy[1], pair.original[1]) for pair in web_manifest.duplicates if pair.kind == "near"
    }
    assert near and {(urlsplit(c).path, urlsplit(o).path) for c, o in marked} == near
    assert re.search(rf"near copies \(stored\)\s+{len(near)}\b", result.stdout), result.stdout

    # Stories: the edited copy is in its original's story; every other article has a story
    # of its own; an exact copy from another site is a sighting with its own title and date.
    with clean_db.connect() as conn:
        story = dict(conn.execute(text("SELECT canonical_url, story_id FROM articles")).all())
        sightings = {
            urlsplit(url).path: (urlsplit(original).path, title, published, source)
            for url, original, title, published, source in conn.execute(
                text(
                    "SELECT g.url, a.canonical_url, g.title, g.published, s.name FROM sightings g"
                    " JOIN articles a ON a.id = g.article_id"
                    " LEFT JOIN sources s ON s.id = g.source_id"
                )
            )
        }
    by_path = {urlsplit(u).path: sid for u, sid in story.items()}
    assert None not in by_path.values()
    for copy, original in near:
        assert by_path[copy] == by_path[original]
    shared = {}
    for path, sid in by_path.items():
        shared.setdefault(sid, []).append(path)
    merged = [paths for paths in shared.values() if len(paths) > 1]
    assert len(set(by_path.values())) == len(by_path) - len(near), merged
    copies = {a.path: a for a in web_manifest.articles("syndicate") if a.duplicate_of}
    assert copies
    for path, copy in copies.items():
        original_path, title, published, source = sightings[path]
        assert original_path == copy.duplicate_of[1]
        assert (title, published, source) == (copy.title, copy.published, "syndicate")


def test_two_concurrent_crawls_store_each_article_exactly_once(
    clean_db: Engine,
    database_env: dict[str, str],
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    tmp_path: Path,
) -> None:
    write_demo_sources(fresh_web, tmp_path)
    # Two crawlers of one source on purpose (as nodes sharing a frontier would be): without
    # NEWSMILL_SOURCE_LOCK=False the source lock would skip the second one.
    args = ["-a", "name=ledger", "-a", f"sources_dir={tmp_path}"]
    args += ["-s", "NEWSMILL_SOURCE_LOCK=False"]
    env = {**database_env, "NEWSMILL_LOG_LEVEL": "WARNING"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "source", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
        subprocess.Popen(
            [*NEWSMILL, "crawl", "source", *args, "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]

    expected = {a.path for a in web_manifest.unique_articles(["ledger"])}
    with clean_db.connect() as conn:
        rows = conn.execute(text("SELECT canonical_url FROM articles")).scalars().all()
        runs = conn.execute(text("SELECT status, stats FROM crawl_runs")).all()
    paths = [urlsplit(u).path for u in rows]
    assert sorted(paths) == sorted(expected)  # no path twice, none missing
    assert len(runs) == 2 and all(status == "finished" for status, _ in runs)
    assert sum(stats.get("newsmill/stored", 0) for _, stats in runs) == len(expected)


def test_second_crawl_fetches_only_discovery_pages(
    clean_db: Engine, database_env: dict[str, str], fresh_web: FixtureWeb, tmp_path: Path
) -> None:
    write_demo_sources(fresh_web, tmp_path)
    cmd = [*NEWSMILL, "crawl", "--source", "huxin", "-a", f"sources_dir={tmp_path}", "--quiet"]
    first = _run(cmd, database_env)
    assert first.returncode == 0, first.stderr[-3000:]
    fresh_web.reset()  # clears the request log
    second = _run(cmd, database_env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert re.search(r"articles stored\s+0\b", second.stdout), second.stdout
    fetched = [r.path for r in fresh_web.requests("huxin")]
    assert fetched and not [p for p in fetched if "/html/" in p], fetched


def test_unreachable_database_is_one_line_without_password(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql://news:s3cret@127.0.0.1:1/newsdb"}
    result = _run([*NEWSMILL, "crawl", "urls", "-a", "urls=http://127.0.0.1:1/x"], env, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "127.0.0.1:1" in lines[0] and "newsdb" in lines[0]
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr


def test_runs_lists_recorded_crawls(clean_db: Engine, database_env: dict[str, str]) -> None:
    with clean_db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO crawl_runs (spider, source, started_at, finished_at, status, stats) "
                "VALUES ('feed', 'ledger', now() - interval '5 seconds', now(), 'finished', "
                """'{"newsmill/stored": 7, "newsmill/dropped/not_html": 2}')"""
            )
        )
    result = _run([*NEWSMILL, "runs"], database_env, timeout=60)
    assert result.returncode == 0, result.stderr
    row = [line for line in result.stdout.splitlines() if "ledger" in line]
    # fetched, stored, updated, duplicates, near copies, drops, errors; then drops by reason
    assert row and row[0].split()[6:13] == ["0", "7", "0", "0", "0", "2", "0"], result.stdout
    assert row[0].endswith("drops: not_html 2")


def test_database_outage_mid_crawl_loses_no_article(
    clean_db: Engine,
    database_env: dict[str, str],
    database_url: str,
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    tmp_path: Path,
) -> None:
    import time

    from sqlalchemy.engine import make_url

    from pipeline.db.scratch import _admin_engine

    write_demo_sources(fresh_web, tmp_path)
    name = make_url(database_url).database
    cmd = [
        *NEWSMILL, "crawl", "--source", "ledger", "-a", f"sources_dir={tmp_path}", "--quiet",
        "-s", "NEWSMILL_STORE_FLUSH_SECONDS=0.5", "-s", "NEWSMILL_STORE_BATCH_SIZE=8",
    ]  # fmt: skip
    admin = _admin_engine(database_url)
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=database_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # cut the database once the first rows landed
            with clean_db.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM articles")).scalar():
                    break
            time.sleep(0.05)
        clean_db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        out, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    assert proc.returncode == 0, err[-3000:]
    spooled = re.search(r"spooled \(db down\)\s+(\d+)", out)
    assert spooled and int(spooled.group(1)) > 0, out

    # The next run writes the spool first, then crawls what the first run could not record.
    again = _run(cmd, database_env)
    assert again.returncode == 0, again.stderr[-3000:]
    expected = {a.path for a in web_manifest.unique_articles(["ledger"])}
    with clean_db.connect() as conn:
        rows = conn.execute(text("SELECT canonical_url FROM articles")).scalars().all()
    assert sorted(urlsplit(u).path for u in rows) == sorted(expected)


def test_second_crawl_refetches_only_transient_failures(
    clean_db: Engine,
    database_env: dict[str, str],
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    tmp_path: Path,
) -> None:
    write_demo_sources(fresh_web, tmp_path)
    cmd = [*NEWSMILL, "crawl", "--source", "ledger", "-a", f"sources_dir={tmp_path}", "--quiet"]
    assert _run(cmd, database_env).returncode == 0
    not_found = [e.path for e in web_manifest.errors("ledger") if e.kind == "not_found"]
    assert not_found
    fresh_web.reset()
    assert _run(cmd, database_env).returncode == 0
    fetched = {r.path for r in fresh_web.requests("ledger")}
    assert not fetched & set(not_found)  # gone pages wait for the monthly recheck
    stored = {a.path for a in web_manifest.unique_articles(["ledger"])}
    assert not fetched & stored
    errors = web_manifest.errors("ledger")
    too_large = {e.path for e in errors if e.kind == "too_large"}
    assert too_large and not fetched & too_large  # the weekly recheck, like a dropped page
    always_500 = {e.path for e in errors if e.kind == "server_error"} - stored
    assert always_500 and always_500 <= fetched  # a 500 is tried again on the next run


def test_scrapyd_runs_a_scheduled_source_crawl(
    clean_db: Engine,
    database_env: dict[str, str],
    fresh_web: FixtureWeb,
    web_manifest: Manifest,
    tmp_path: Path,
) -> None:
    """Scale-out's scheduler: Scrapyd started beside scrapy.cfg runs the project's spiders."""
    import json
    import socket
    import time
    import urllib.parse
    import urllib.request

    write_demo_sources(fresh_web, tmp_path / "sources")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Scrapyd finds the project in scrapy.cfg's [settings] (as project "default") and its own
    # options in scrapyd.conf, both in its working directory.
    (tmp_path / "scrapy.cfg").write_text((ROOT / "scrapy.cfg").read_text(encoding="utf-8"))
    (tmp_path / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\nmax_proc = 1\n"
        f"poll_interval = 0.5\neggs_dir = {tmp_path}/eggs\nlogs_dir = {tmp_path}/logs\n"
        f"dbs_dir = {tmp_path}/dbs\nitems_dir =\n"
    )
    api = f"http://127.0.0.1:{port}"
    env = {**database_env, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def call(path: str, data: dict[str, str] | None = None) -> dict[str, object]:
        body = urllib.parse.urlencode(data).encode() if data else None
        with urllib.request.urlopen(f"{api}/{path}", data=body, timeout=10) as response:
            return json.loads(response.read())

    try:
        for _ in range(100):
            try:
                assert "source" in call("listspiders.json?project=default")["spiders"]
                break
            except OSError:
                time.sleep(0.2)
        scheduled = call(
            "schedule.json",
            {
                "project": "default",
                "spider": "source",
                "source": "ledger",  # Scrapyd keeps `name` for itself: -a name= cannot pass
                "sources_dir": str(tmp_path / "sources"),
            },
        )
        assert scheduled.get("status") == "ok", scheduled
        job = scheduled["jobid"]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            finished = call("listjobs.json?project=default")["finished"]
            if any(j["id"] == job for j in finished):  # type: ignore[index, union-attr]
                break
            time.sleep(0.5)
        else:
            pytest.fail("the Scrapyd job did not finish in 180 s")
    finally:
        server.terminate()
        server.wait(timeout=30)
    logs = "\n".join(p.read_text(errors="replace") for p in (tmp_path / "logs").rglob("*.log"))
    stored = _stored(clean_db)
    assert set(stored) == {a.path for a in web_manifest.unique_articles(["ledger"])}, logs[-3000:]
    with clean_db.connect() as conn:
        runs = conn.execute(text("SELECT spider, source, status FROM crawl_runs")).all()
    assert [tuple(r) for r in runs] == [("source", "ledger", "finished")]
