"""`newsmill schedule`: sources' schedules, reloads, missed runs, crashes and a clean SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, text

from pipeline.demo import write_demo_sources
from pipeline.fixtureweb import FixtureWeb
from pipeline.schedule import (
    EXIT_SKIPPED,
    CrawlScheduler,
    ScheduleOptions,
    missed_run,
    schedule_key,
    trigger_for,
)
from pipeline.sources import parse_source

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "pipeline.cli"]
T = datetime(2026, 11, 20, 10, 5, tzinfo=UTC)


def _source(**fields: Any) -> Any:
    return parse_source({"name": "site", "urls": ["https://example.com/a/1"], **fields}, "test")


def test_cron_and_interval_schedules() -> None:
    assert schedule_key(_source(schedule="0 * * * *")) == "cron 0 * * * *"
    assert schedule_key(_source(every="30m")) == "every 30m"
    assert schedule_key(_source(every="90m")) == "every 1h30m"
    assert schedule_key(_source(every="2s")) == "every 2s"
    assert schedule_key(_source()) is None
    trigger = trigger_for(_source(every="30m"), "UTC")
    assert isinstance(trigger, IntervalTrigger) and trigger.interval == timedelta(minutes=30)


def test_a_run_missed_while_down_is_made_up_once() -> None:
    hourly = trigger_for(_source(schedule="0 * * * *"), "UTC")
    assert hourly is not None
    assert not missed_run(hourly, T, T + timedelta(minutes=50))  # 11:00 not reached yet
    assert missed_run(hourly, T, T + timedelta(hours=5))  # five missed: one run
    assert not missed_run(hourly, None, T)  # never ran: wait for the schedule
    half_hourly = trigger_for(_source(every="30m"), "UTC")
    assert half_hourly is not None
    assert not missed_run(half_hourly, T, T + timedelta(minutes=20))
    assert missed_run(half_hourly, T, T + timedelta(minutes=31))


def _write(directory: Path, name: str, **fields: Any) -> None:
    path = directory / f"{name}.yaml"
    config = {"name": name, "urls": [f"https://{name}.example.com/a/1"], **fields}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    # A reload compares modification times: make each write visible even within one tick.
    stamp = time.time_ns() + len(list(directory.iterdir())) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[CrawlScheduler]:
    options = ScheduleOptions(
        sources_dir=tmp_path, max_parallel=2, timezone="UTC", reload_seconds=1, stop_seconds=5
    )
    last = {"hourly": datetime.now(UTC) - timedelta(hours=3)}
    crawls = CrawlScheduler(options, lambda: last)
    crawls.scheduler.start(paused=True)  # jobs get their run times; nothing runs
    try:
        yield crawls
    finally:
        crawls.scheduler.shutdown(wait=False)


def test_jobs_follow_the_source_files(scheduler: CrawlScheduler, tmp_path: Path) -> None:
    _write(tmp_path, "hourly", every="1h")
    _write(tmp_path, "nightly", schedule="0 3 * * *")
    _write(tmp_path, "manual")
    _write(tmp_path, "real-site", schedule="0 3 * * *", example=True)
    assert scheduler.reload()
    assert scheduler.schedules == {"hourly": "every 1h", "nightly": "cron 0 3 * * *"}
    # "hourly" last ran three hours ago: its missed runs make one run now, not three.
    now = datetime.now(UTC)
    hourly = scheduler.scheduler.get_job("hourly")
    assert abs((hourly.next_run_time - now).total_seconds()) < 5
    assert scheduler.scheduler.get_job("nightly").next_run_time > now
    assert not scheduler.reload()  # nothing changed

    _write(tmp_path, "hourly", every="2h")
    assert scheduler.reload()
    assert scheduler.scheduler.get_job("hourly").trigger.interval == timedelta(hours=2)

    # A broken file keeps the schedule as it was (and says so); fixing it applies it.
    (tmp_path / "broken.yaml").write_text("name: broken\nevery: soon\nurls: [x]\n")
    assert not scheduler.reload()
    assert set(scheduler.schedules) == {"hourly", "nightly"}
    (tmp_path / "broken.yaml").unlink()
    (tmp_path / "nightly.yaml").unlink()
    assert scheduler.reload()
    assert set(scheduler.schedules) == {"hourly"}
    assert scheduler.scheduler.get_job("nightly") is None


def test_a_crawl_that_crashes_or_is_skipped_leaves_the_scheduler_running(
    scheduler: CrawlScheduler, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    commands = {
        "crasher": [sys.executable, "-c", "import os; print('boom'); os.abort()"],
        "skipper": [
            sys.executable,
            "-c",
            f"import sys; print('newsmill: skipped: already crawled'); sys.exit({EXIT_SKIPPED})",
        ],
    }
    monkeypatch.setattr("pipeline.schedule.crawl_command", lambda name, options: commands[name])
    with caplog.at_level(logging.INFO, logger="pipeline.schedule"):
        assert scheduler.run_crawl("crasher") == -signal.SIGABRT
        assert scheduler.run_crawl("skipper") == EXIT_SKIPPED
    assert "crasher: crawl failed (exit -6)" in caplog.text and "boom" in caplog.text
    assert "skipper: newsmill: skipped: already crawled" in caplog.text
    assert scheduler.scheduler.running


def _sources_for(web: FixtureWeb, directory: Path, **fields: Any) -> None:
    """Only the small "syndicate" site, with the given schedule fields."""
    write_demo_sources(web, directory)
    for other in ("ledger", "huxin"):
        (directory / f"{other}.yaml").unlink()
    path = directory / "syndicate.yaml"
    path.write_text(yaml.safe_dump({**yaml.safe_load(path.read_text()), **fields}))


def _runs(engine: Engine) -> list[tuple[str, datetime]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, started_at FROM crawl_runs ORDER BY id")).all()
    return [(status, started) for status, started in rows]


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def _start_scheduler(
    directory: Path, env: dict[str, str], log: Path, *settings: str
) -> subprocess.Popen[bytes]:
    cmd = [*NEWSMILL, "schedule", "--sources-dir", str(directory), "--max-parallel", "1"]
    for setting in ("NEWSMILL_SCHEDULE_RELOAD_SECONDS=0.5", *settings):
        cmd += ["-s", setting]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture
def schedule_env(database_env: dict[str, str]) -> dict[str, str]:
    return {**database_env, "NEWSMILL_ALLOW_PRIVATE": "127.0.0.0/8", "NEWSMILL_REDIS_URL": ""}


@pytest.mark.slow
def test_scheduled_source_runs_on_time_and_sigterm_stops_cleanly(
    clean_db: Engine, schedule_env: dict[str, str], fresh_web: FixtureWeb, tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    _sources_for(fresh_web, sources, every="2s")
    log = tmp_path / "schedule.log"
    started = datetime.now(UTC)
    # Slow crawls (each fetches every page, one a second), so that SIGTERM meets one running.
    slow = ("NEWSMILL_INCREMENTAL=False", "DOWNLOAD_DELAY=1", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    scheduler = _start_scheduler(sources, schedule_env, log, "AUTOTHROTTLE_ENABLED=False", *slow)
    try:
        _wait_for(
            lambda: [s for s, _ in _runs(clean_db)][:2] == ["finished", "running"],
            200,
            "a scheduled run and the next one running",
        )
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait()
    runs = _runs(clean_db)
    output = log.read_text()
    # On time: the first crawl process starts 2 s after the scheduler did (the scheduler's
    # own clock; a crawl process then takes seconds to import Scrapy on a busy machine).
    assert runs[0][1] > started
    stamps = {
        what: min(
            datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            for line in output.splitlines()
            if what in line
        )
        for what in ("scheduler started", "syndicate: crawl started")
    }
    delay = stamps["syndicate: crawl started"] - stamps["scheduler started"]
    assert timedelta(seconds=1) <= delay <= timedelta(seconds=4), output
    # The crawl running at SIGTERM finished its pages and closed: no run is left "running".
    assert [status for status, _ in runs] == ["finished", "shutdown"], log.read_text()
    assert "syndicate: scheduled (every 2s)" in output
    assert "syndicate: asking the crawl" in output and "scheduler stopped" in output


@pytest.mark.slow
def test_runs_missed_while_the_scheduler_was_down_make_one_run_at_start(
    clean_db: Engine, schedule_env: dict[str, str], fresh_web: FixtureWeb, tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    _sources_for(fresh_web, sources, every="30m")
    with clean_db.begin() as conn:  # the last run, five half-hours ago
        conn.execute(
            text(
                "INSERT INTO crawl_runs (spider, source, started_at, finished_at, status) VALUES "
                "('source', 'syndicate', now() - interval '150 minutes', "
                "now() - interval '149 minutes', 'finished')"
            )
        )
    log = tmp_path / "schedule.log"
    scheduler = _start_scheduler(sources, schedule_env, log)
    try:
        _wait_for(
            lambda: len(_runs(clean_db)) == 2 and _runs(clean_db)[1][0] != "running",
            180,
            "the made-up run",
        )
        time.sleep(3)  # a second made-up run would have started by now
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait()
    assert [status for status, _ in _runs(clean_db)] == ["finished", "finished"]
    assert "a run was missed, running it now" in log.read_text()
