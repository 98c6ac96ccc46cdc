"""Extraction off the reactor: a process pool, so one Scrapy process uses more than one core.

Scrapy runs every callback and pipeline on one thread; extraction is pure CPU work on
bytes, so it moves to worker processes whole (decode → parse → strip → extract) and only
the bytes in and the ``Article`` out cross the process boundary.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Any

from pipeline.items import Article
from pipeline.sources import SourceConfig

logger = logging.getLogger(__name__)


def _warm_up() -> None:
    # Import the extractor once per worker, not on its first page.
    import pipeline.dedup.fingerprint
    import pipeline.extraction  # noqa: F401


def _extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    source: SourceConfig | None,
    fetched_at: datetime | None,
    hints: Mapping[str, Any],
) -> tuple[Article, str, int]:
    from pipeline.dedup.fingerprint import fingerprints
    from pipeline.extraction import extract

    article = extract(body, url, source=source, headers=headers, fetched_at=fetched_at, hints=hints)
    # The text's fingerprints are CPU work on data already here: compute them off the reactor.
    return (article, *fingerprints(article.text))


def worker_count(setting: int | str | None) -> int:
    """NEWSMILL_EXTRACT_WORKERS: an int, or "auto" (one per core beyond the reactor's)."""
    if setting in (None, "", "auto"):
        return max(0, min(4, (os.cpu_count() or 1) - 1))
    return max(0, int(setting))


class ExtractorPool:
    def __init__(self, workers: int) -> None:
        # forkserver: forking a process that runs a reactor and holds sockets is unsafe.
        context = multiprocessing.get_context("forkserver")
        self.executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up)
        self.workers = workers
        # Start the workers and their imports now, while robots.txt, feeds and sitemaps are
        # fetched, instead of making the first article wait for them.
        for _ in range(workers):
            self.executor.submit(_warm_up)

    async def extract(
        self,
        body: bytes,
        url: str,
        *,
        headers: Mapping[str, str],
        source: SourceConfig | None,
        fetched_at: datetime | None,
        hints: Mapping[str, Any],
    ) -> tuple[Article, str, int]:
        """The article and its text's (content_hash, simhash)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.executor, _extract, body, url, dict(headers), source, fetched_at, dict(hints)
        )

    async def healthy(self) -> bool:
        """Whether a worker starts and answers at all (a no-op task, no page)."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.executor, _warm_up)
        except BrokenProcessPool:
            return False
        return True

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
