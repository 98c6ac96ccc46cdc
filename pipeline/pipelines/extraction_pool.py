"""Extraction worker processes: a process pool, so one Scrapy process uses more than one core.

Scrapy runs every callback and pipeline on one thread; extraction is pure CPU work on bytes,
so a whole article job (decode → parse → strip → extract → merge pages → fingerprints)
moves to a worker process, and only the job in and the extracted article out cross the
process boundary.

Workers exit when the crawler that started them dies, however it dies (``kill -9``
included): each watches the crawler's pid. With the workers gone, the forkserver and the
resource tracker, which live until the last process holding their pipes exits, go too.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import select
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from pipeline.pipelines.extraction_job import ArticleJob, ExtractedArticle, extract_job

logger = logging.getLogger(__name__)

# How often a worker without pidfd support (not Linux) checks that the crawler lives.
_PARENT_POLL_SECONDS = 1.0


def _exit_with(parent_pid: int) -> None:
    """In a worker: end this process as soon as ``parent_pid`` ends."""
    try:
        pidfd = os.pidfd_open(parent_pid)
    except ProcessLookupError:
        os._exit(0)  # the crawler died while this worker was starting
    except (AttributeError, OSError):
        pidfd = None

    def wait_for_parent() -> None:
        if pidfd is not None:
            select.select([pidfd], [], [])  # readable once the process has exited
        else:
            while True:
                time.sleep(_PARENT_POLL_SECONDS)
                try:
                    os.kill(parent_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    continue  # alive (a pid we may not signal)
        # No cleanup: the crawler that would receive results is gone.
        os._exit(0)

    threading.Thread(target=wait_for_parent, name="exit-with-crawler", daemon=True).start()


def _ready() -> None:
    """A task with no page: proves a worker starts and answers."""


def worker_count(setting: int | str | None) -> int:
    """NEWSMILL_EXTRACT_WORKERS: an int, or "auto" (one per core beyond the reactor's)."""
    if setting in (None, "", "auto"):
        return max(0, min(4, (os.cpu_count() or 1) - 1))
    return max(0, int(setting))


class ExtractorPool:
    def __init__(self, workers: int) -> None:
        # forkserver: forking a process that runs a reactor and holds sockets is unsafe.
        # The extractor is imported once in the forkserver, so each worker starts with it.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.pipelines.extraction_job"])
        self.executor = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_exit_with, initargs=(os.getpid(),)
        )
        self.workers = workers
        # Start the workers now, while robots.txt, feeds and sitemaps are fetched, instead
        # of making the first article wait for them.
        for _ in range(workers):
            self.executor.submit(_ready)

    async def extract(self, job: ArticleJob) -> ExtractedArticle:
        """``extract_job(job)`` in a worker; BrokenProcessPool if a worker died meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, extract_job, job)

    async def healthy(self) -> bool:
        """Whether a worker starts and answers at all (a no-op task, no page)."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.executor, _ready)
        except BrokenProcessPool:
            return False
        return True

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
