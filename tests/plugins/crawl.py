"""The crawl harness: a Scrapy crawl in a subprocess, its items and stats back as JSON.

Twisted's reactor cannot restart inside pytest, so every crawl runs in its own interpreter.
Crawls start from Newsmill's defaults through its add-on (pipeline/settings.py is not loaded,
as in Scrapyd or a script) plus the few TEST_SETTINGS that make them fast against a local
server. With ``collect=True`` a collecting item pipeline replaces Newsmill's stages, so
spider tests need no database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.dedup.urls import canonical_url

REPO = Path(__file__).resolve().parents[2]

# Every test crawl has a frontier of its own. A NEWSMILL_REDIS_URL in the environment (a
# developer's shell, CI) would put all of them, across test runs too, on one persistent
# scrapy-redis queue and dupefilter: a page fetched once would never be fetched again.
# Dropped before any test copies the environment; the Redis test passes its own URL.
os.environ.pop("NEWSMILL_REDIS_URL", None)

# What a test crawl changes in Newsmill's defaults: fast against a local server.
TEST_SETTINGS: dict[str, Any] = {
    "ADDONS": {"pipeline.addon.Newsmill": 0},
    "SPIDER_MODULES": ["spiders"],
    "LOG_LEVEL": "INFO",
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 1,  # the fixture web's slow page sleeps 3 s
    "RETRY_TIMES": 1,
    "RETRY_HTTP_CODES": [429, 500, 502, 503, 504],
    "NEWSMILL_RETRY_BACKOFF_BASE": 0.05,
    "NEWSMILL_INCREMENTAL": False,
}

# Runs one crawl and writes its items (bytes summarized) and stats as JSON.
RUNNER = r"""
import json, sys
from datetime import datetime
from scrapy.crawler import CrawlerProcess

config = json.loads(sys.argv[1])
items = []

class CollectPipeline:
    def process_item(self, item, spider=None):
        items.append(item)
        return item

def plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"bytes": len(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value

settings = dict(config["settings"])
if config["collect"]:
    settings["ITEM_PIPELINES"] = {CollectPipeline: 100}
process = CrawlerProcess(settings, install_root_handler=True)
crawler = process.create_crawler(config["spider"])
process.crawl(crawler, **config["args"])
process.start()
out = {
    "items": [
        {
            "url": i.url, "request_url": i.request_url, "status": i.status,
            "body_is_bytes": isinstance(i.body, bytes), "body_length": len(i.body),
            "headers": i.headers, "fetched_at": plain(i.fetched_at), "source": i.source,
            "spider": i.spider, "hints": plain(i.hints),
        }
        for i in items
    ],
    "stats": plain(crawler.stats.get_stats()),
}
with open(config["out"], "w", encoding="utf-8") as fh:
    json.dump(out, fh, default=str)
"""


@dataclass(frozen=True)
class CrawlResult:
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str

    def stat(self, key: str) -> int:
        return int(self.stats.get(key, 0))

    def paths(self) -> set[str]:
        """Canonical paths (tracking parameters dropped) of the items' final URLs."""
        return {url_path(canonical_url(item["url"])) for item in self.items}

    def item(self, path: str) -> dict[str, Any]:
        return next(i for i in self.items if url_path(canonical_url(i["url"])) == path)


def url_path(url: str) -> str:
    """Path and query of ``url``: what the fixture web's request log and manifest hold."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl_command(config: dict[str, Any]) -> list[str]:
    """The subprocess command line running RUNNER with ``config``."""
    return [sys.executable, "-c", RUNNER, json.dumps(config)]


def crawl_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The crawl's environment: the test session's (its database), ``env``, this checkout."""
    return {**os.environ, **(env or {}), "PYTHONPATH": str(REPO)}


def run_crawl(
    spider: str,
    args: dict[str, str],
    tmp_path: Path,
    settings: dict[str, Any] | None = None,
    *,
    collect: bool = True,
    env: dict[str, str] | None = None,
) -> CrawlResult:
    """Crawl in a subprocess with TEST_SETTINGS (+ ``settings``); items and stats back."""
    out = tmp_path / f"crawl-{spider}-{len(list(tmp_path.glob('crawl-*')))}.json"
    config = {
        "settings": {**TEST_SETTINGS, **(settings or {})},
        "spider": spider,
        "args": args,
        "out": str(out),
        "collect": collect,
    }
    proc = subprocess.run(
        crawl_command(config),
        cwd=REPO,
        env=crawl_env(env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    return CrawlResult(data["items"], data["stats"], proc.stderr)
