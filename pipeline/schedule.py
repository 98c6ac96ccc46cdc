"""`newsmill schedule`: each source's crawl started on its schedule, as a process of its own.

A crawl runs as ``newsmill crawl --source NAME`` in a child process: Scrapy's reactor cannot
be restarted within one process, and a crawl that crashes (or is killed for memory) takes
only itself down. APScheduler holds the schedules (cron ``schedule:`` or ``every:``); the
source files are re-read when they change. Each source has at most one run at a time here,
and the source lock (pipeline/runlock.py) keeps other schedulers and manual crawls out.

Runs missed while the scheduler was down are coalesced into one: at start, a source whose
schedule fell due since its latest recorded run (crawl_runs) runs at once, then on schedule.
SIGTERM (or Ctrl-C) stops the scheduling and asks the running crawls to stop; they finish the
pages in flight and close (their crawl state is saved, so the next run resumes from it).
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.sources import SourceConfig, format_interval, load_sources
from pipeline.user_errors import NewsmillError

logger = logging.getLogger(__name__)

# `newsmill crawl` exits with this when the source's lock is held elsewhere (EX_TEMPFAIL).
EXIT_SKIPPED = 75


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    sources_dir: Path
    max_parallel: int
    timezone: str  # cron fields are read in this zone
    reload_seconds: float
    stop_seconds: float
    crawl_args: tuple[str, ...] = ()  # passed on to every `newsmill crawl` (e.g. -s NAME=VALUE)


def schedule_key(source: SourceConfig) -> str | None:
    """What a source's schedule is, as text (None: not scheduled); a change reschedules it."""
    if source.schedule:
        return f"cron {source.schedule}"
    if source.every:
        return f"every {format_interval(source.every)}"
    return None


def trigger_for(source: SourceConfig, timezone: str) -> BaseTrigger | None:
    zone = ZoneInfo(timezone)
    if source.schedule:
        return CronTrigger.from_crontab(source.schedule, timezone=zone)
    if source.every:
        return IntervalTrigger(seconds=source.every, timezone=zone)
    return None


def missed_run(trigger: BaseTrigger, last_start: datetime | None, now: datetime) -> bool:
    """True when a run fell due after ``last_start`` and before ``now`` (one or many: coalesced)."""
    if last_start is None:
        return False
    due = trigger.get_next_fire_time(last_start, last_start)
    return due is not None and due <= now


def crawl_command(name: str, options: ScheduleOptions) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline.cli",
        "crawl",
        "--source",
        name,
        "--quiet",
        "-s",
        f"NEWSMILL_SOURCES_DIR={options.sources_dir}",
        *options.crawl_args,
    ]


class CrawlScheduler:
    """The scheduler's state: jobs per source, the crawl processes running, stopping."""

    def __init__(
        self,
        options: ScheduleOptions,
        last_starts: Callable[[], Mapping[str, datetime]] = dict,
    ) -> None:
        self.options = options
        self.last_starts = last_starts  # when each source last ran (for missed runs)
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=options.max_parallel)},
            # One run per source at a time (a start while it runs is skipped and logged);
            # a start delayed by busy slots runs however late, several such as one.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=ZoneInfo(options.timezone),
        )
        self.scheduler.add_listener(self._still_running, EVENT_JOB_MAX_INSTANCES)
        self.schedules: dict[str, str] = {}  # source -> schedule_key of its job
        self._snapshot: tuple[tuple[str, int, int], ...] | None = None
        self._running: dict[str, subprocess.Popen[str]] = {}
        self._lock = threading.Lock()
        self._stopping = False
        self._stop = threading.Event()

    # --- source files -------------------------------------------------------------------
    def _files_snapshot(self) -> tuple[tuple[str, int, int], ...]:
        files = sorted(
            [*self.options.sources_dir.glob("*.yaml"), *self.options.sources_dir.glob("*.yml")]
        )
        snapshot = []
        for path in files:
            try:
                stat = path.stat()
            except OSError:  # removed while listing
                continue
            snapshot.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(snapshot)

    def reload(self) -> bool:
        """Re-read the source files if they changed and bring the jobs in line; True if read."""
        snapshot = self._files_snapshot()
        if snapshot == self._snapshot:
            return False
        self._snapshot = snapshot
        try:
            sources = load_sources(self.options.sources_dir)
        except NewsmillError as exc:
            if not self.schedules and not self.scheduler.running:
                raise
            logger.error("sources not reloaded, the schedule stays as it was: %s", exc)
            return False
        self.sync(sources)
        return True

    def sync(self, sources: Mapping[str, SourceConfig]) -> None:
        """Add, reschedule and remove jobs so that they match ``sources``."""
        wanted: dict[str, SourceConfig] = {}
        for name, source in sources.items():
            if schedule_key(source) is None:
                continue
            if source.example:
                logger.info("%s: an example source, not scheduled (it says example: true)", name)
                continue
            wanted[name] = source
        for name in list(self.schedules):
            if name not in wanted:
                self.scheduler.remove_job(name)
                del self.schedules[name]
                logger.info("%s: no longer scheduled", name)
        last = self.last_starts() if any(n not in self.schedules for n in wanted) else {}
        now = datetime.now(ZoneInfo(self.options.timezone))
        for name, source in wanted.items():
            key = schedule_key(source)
            assert key is not None
            trigger = trigger_for(source, self.options.timezone)
            if self.schedules.get(name) == key:
                continue
            if name in self.schedules:
                self.scheduler.reschedule_job(name, trigger=trigger)
                logger.info("%s: rescheduled (%s)", name, key)
            else:
                extra: dict[str, Any] = {}
                if missed_run(trigger, last.get(name), now):
                    extra["next_run_time"] = now  # the runs missed while down, as one
                    logger.info("%s: scheduled (%s); a run was missed, running it now", name, key)
                else:
                    logger.info("%s: scheduled (%s)", name, key)
                self.scheduler.add_job(
                    self.run_crawl, trigger, args=[name], id=name, name=name, **extra
                )
            self.schedules[name] = key

    # --- crawls -------------------------------------------------------------------------
    def run_crawl(self, name: str) -> int | None:
        """Run one crawl of ``name`` to its end (in an executor thread); its exit code."""
        command = crawl_command(name, self.options)
        with self._lock:
            if self._stopping:
                return None
            # Its own session: a Ctrl-C in the scheduler's terminal must not reach the crawl
            # directly too (Scrapy takes a second SIGINT as "stop now, unclean").
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            self._running[name] = process
        logger.info("%s: crawl started (pid %d)", name, process.pid)
        started = time.monotonic()
        try:
            output, _ = process.communicate()
        finally:
            with self._lock:
                self._running.pop(name, None)
        elapsed = time.monotonic() - started
        code = process.returncode
        lines = [line for line in (output or "").splitlines() if line.strip()]
        if code == 0:
            ended = "stopped" if self._stopping else "finished"
            logger.info("%s: crawl %s in %.1fs", name, ended, elapsed)
        elif code == EXIT_SKIPPED:
            logger.info("%s: %s", name, lines[-1] if lines else "skipped: already running")
        else:
            tail = " | ".join(lines[-5:]) or "no output"
            logger.warning("%s: crawl failed (exit %s) after %.1fs: %s", name, code, elapsed, tail)
        return code

    def _still_running(self, event: JobExecutionEvent) -> None:
        logger.info("%s: still running from an earlier start; this start is skipped", event.job_id)

    # --- lifecycle ----------------------------------------------------------------------
    def request_stop(self, *_: Any) -> None:
        self._stop.set()

    def run(self) -> int:
        """Schedule until SIGTERM/SIGINT; then stop the crawls cleanly. Returns the exit code."""
        self.reload()
        if not self.schedules:
            logger.warning(
                "no source in %s has a schedule: or every:; waiting for one",
                self.options.sources_dir,
            )
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.request_stop)
        self.scheduler.start()
        logger.info(
            "scheduler started: %d sources, at most %d crawls at once",
            len(self.schedules),
            self.options.max_parallel,
        )
        while not self._stop.wait(self.options.reload_seconds):
            self.reload()
        self.stop()
        return 0

    def stop(self) -> None:
        """No new crawls; running ones get SIGTERM (Scrapy closes cleanly), then SIGKILL."""
        self.scheduler.shutdown(wait=False)
        with self._lock:
            self._stopping = True
            running = dict(self._running)
        for name, process in running.items():
            logger.info("%s: asking the crawl (pid %d) to stop", name, process.pid)
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.options.stop_seconds
        for name, process in running.items():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                logger.warning("%s: the crawl did not stop in time; killing it", name)
                process.kill()
                process.wait()
        logger.info("scheduler stopped")


def database_last_starts(database_url: str | None) -> Callable[[], Mapping[str, datetime]]:
    """When each source last ran, from crawl_runs; empty (nothing missed) if unreachable."""

    def read() -> Mapping[str, datetime]:
        if not database_url:
            return {}
        from sqlalchemy.exc import DBAPIError

        from pipeline.db.runs import last_starts
        from pipeline.db.session import get_engine

        engine = get_engine(database_url)
        try:
            return last_starts(engine)
        except DBAPIError as exc:
            logger.warning("cannot read the latest runs, no missed runs are made up: %s", exc.orig)
            return {}
        finally:
            engine.dispose()

    return read
