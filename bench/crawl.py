"""Crawl benchmark: the full pipeline into PostgreSQL vs the same spider with pipelines off.

    python bench/crawl.py [--articles 2000] [--spider sitemap|section] [--repeat 1]
    python bench/crawl.py --frontier 1000000 [--frontier-memory 10000]

Serves a generated site of N ~50 KB article pages (pipeline.fixtureweb's bench site) in a
process of its own on 127.0.0.1, then crawls it in one run, each crawl in a fresh Scrapy
process with the project settings (pipeline/settings.py):
  (b) pipelines off : ITEM_PIPELINES = {}, no incremental state;
  (a) full pipeline : ITEM_PIPELINES as configured (validate, strip+extract, dedup, store)
                      and the incremental crawl state, into a fresh database;
  (c) state only    : pipelines off but the incremental crawl state on (its own database),
                      to show what the crawl-state lookups and writes cost.
Both use the same concurrency and AutoThrottle off (on a local server it only adds delay).
Prints article pages/s for each and the ratio of the best runs (target: full >= 60% of
pipelines off), the CPU seconds each process used (the machine's cores are shared by all
three) and the load average when each crawl ended (other work on the machine skews a run).
Uses DATABASE_URL's server when set, else the embedded PostgreSQL; the database is dropped
at the end.

``--frontier N`` measures the other promise, bounded memory: a spider discovers N article URLs
(in sitemap-sized batches of 500, nothing fetched) with the crawl state on, and the script
prints the process's peak RSS before and after and how many requests stayed in memory
(NEWSMILL_FRONTIER_MEMORY) versus parked in PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.db.scratch import scratch_database  # noqa: E402  (after the path tweak)

# One crawl with the project settings plus overrides; stats written as JSON.
_RUNNER = r"""
import json, sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

config = json.loads(sys.argv[1])
settings = get_project_settings()
settings.setdict(config["settings"], priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(config["spider"])
process.crawl(crawler, **config["args"])
process.start()
stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
with open(config["out"], "w", encoding="utf-8") as fh:
    json.dump({"stats": stats, "pipelines": list(map(str, settings.getdict("ITEM_PIPELINES")))}, fh)
"""


def serve_bench_site(articles: int) -> tuple[subprocess.Popen[str], str]:
    """Start the bench site in its own process (it must not share Scrapy's GIL)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline.fixtureweb", "--bench", str(articles)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    sites = json.loads(server.stdout.readline())
    return server, next(iter(sites.values()))


def bench_database() -> tuple[str, Callable[[], None]]:
    """A fresh, migrated database on DATABASE_URL's server or the embedded one; and its drop."""
    url, drop, where = scratch_database("newsmill_bench_crawl")
    print(f"database: {where}")
    return url, drop


def crawl(
    spider: str,
    args: dict[str, str],
    settings: dict[str, Any],
    env: dict[str, str],
    server_pid: int | None = None,
) -> dict[str, Any]:
    """Run one crawl; its stats, plus the CPU seconds of the crawler, its extraction
    workers and the site server (sampled with psutil while it runs)."""
    import time

    import psutil

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stats.json"
        config = {"spider": spider, "args": args, "settings": settings, "out": str(out)}
        server = psutil.Process(server_pid) if server_pid else None
        server_before = sum(server.cpu_times()[:2]) if server else 0.0
        runner = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, json.dumps(config)],
            cwd=REPO,
            env={
                **os.environ,
                **env,
                "PYTHONPATH": str(REPO),
                "SCRAPY_SETTINGS_MODULE": "pipeline.settings",
            },
        )
        crawler = psutil.Process(runner.pid)
        cpu: dict[int, float] = {}
        while runner.poll() is None:
            try:
                for process in [crawler, *crawler.children(recursive=True)]:
                    cpu[process.pid] = sum(process.cpu_times()[:2])
            except psutil.Error:
                pass  # a process ended between listing and reading: its last sample stands
            time.sleep(0.1)
        if runner.returncode:
            raise subprocess.CalledProcessError(runner.returncode, "bench crawl")
        result = json.loads(out.read_text(encoding="utf-8"))
        result["cpu"] = {
            "crawler": cpu.get(runner.pid, 0.0),
            "workers": sum(v for pid, v in cpu.items() if pid != runner.pid),
            "server": sum(server.cpu_times()[:2]) - server_before if server else 0.0,
        }
        return result


def rate(result: dict[str, Any]) -> tuple[int, float, float]:
    stats = result["stats"]
    pages = int(stats.get("newsmill/articles_fetched", 0))
    seconds = float(stats.get("elapsed_time_seconds", 0.0)) or float("nan")
    return pages, seconds, pages / seconds


def frontier_bench(count: int, memory: int, url: str) -> None:
    """Discover ``count`` URLs through NewsSpider.article_requests; print memory and time."""
    import resource
    import time

    from scrapy.utils.test import get_crawler

    from pipeline.crawlstate import ArticleCandidate
    from spiders.urls import UrlsSpider

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    settings = {
        "NEWSMILL_INCREMENTAL": True,
        "NEWSMILL_DATABASE_URL": url,
        "NEWSMILL_FRONTIER_MEMORY": memory,
    }
    crawler = get_crawler(UrlsSpider, settings)
    spider = UrlsSpider.from_crawler(crawler, urls="http://bench.example/")
    in_memory: list[Any] = []  # what Scrapy's scheduler would hold
    before = peak_mb()
    start = time.perf_counter()
    for first in range(0, count, 500):
        batch = [
            ArticleCandidate(f"http://bench.example/2026/11/24/{n}.html", {"via": "sitemap"})
            for n in range(first, min(first + 500, count))
        ]
        in_memory.extend(spider.article_requests(batch, depth=1))
    seconds = time.perf_counter() - start
    parked = crawler.stats.get_value("newsmill/frontier/parked", 0)
    print(
        f"frontier: {count} URLs discovered in {seconds:.1f} s ({count / seconds:.0f} URLs/s): "
        f"{len(in_memory)} requests in memory, {parked} parked in PostgreSQL; "
        f"peak RSS {before:.0f} MB -> {peak_mb():.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--spider", choices=("sitemap", "section"), default="sitemap")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    parser.add_argument("--concurrency", default="16/8", help="global/per-domain requests")
    parser.add_argument("--frontier", type=int, help="measure discovery of N URLs instead")
    parser.add_argument("--frontier-memory", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.frontier:
        url, drop = bench_database()
        os.environ["DATABASE_URL"] = url  # DATABASE_URL wins over the setting
        try:
            frontier_bench(args.frontier, args.frontier_memory, url)
        finally:
            drop()
        return 0
    total, per_domain = (int(n) for n in args.concurrency.split("/"))

    server, base = serve_bench_site(args.articles)
    url, drop = bench_database()
    try:
        spider_args = (
            {"sitemaps": f"{base}/sitemap.xml"}
            if args.spider == "sitemap"
            else {"sections": f"{base}/"}
        )
        common = {
            "LOG_LEVEL": "WARNING",
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": total,
            "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
            "NEWSMILL_MAX_SECTION_PAGES": args.articles,  # the bench index is one long section
            "NEWSMILL_PROGRESS": False,
            # The bench site is on loopback: allow its port past the fetch guard, nothing else.
            "NEWSMILL_ALLOW_PRIVATE": [urlsplit(base).netloc],
        }
        off = {**common, "ITEM_PIPELINES": {}, "NEWSMILL_INCREMENTAL": False}
        full = {**common, "NEWSMILL_INCREMENTAL": True}
        state_only = {**off, "NEWSMILL_INCREMENTAL": True}
        print(
            f"site: {args.articles} articles at {base}; spider: {args.spider}; "
            f"concurrency {total}/{per_domain}"
        )
        best: dict[str, tuple[int, float, float]] = {}
        runs = (("pipelines off", off), ("full pipeline", full), ("state only", state_only))
        for _ in range(args.repeat):
            for label, settings in runs:
                if label != "pipelines off":
                    # Each stateful crawl needs an empty database, or it would skip every page.
                    drop()
                    url, drop = bench_database()
                    settings = {**settings, "NEWSMILL_DATABASE_URL": url}
                result = crawl(
                    args.spider, spider_args, settings, {"DATABASE_URL": url}, server.pid
                )
                pages, seconds, per_second = rate(result)
                stats = result["stats"]
                extra = ""
                if label == "full pipeline":
                    dropped = {
                        k.split("/", 2)[2]: v
                        for k, v in stats.items()
                        if k.startswith("newsmill/dropped/")
                    }
                    extra = f"  stored {stats.get('newsmill/stored', 0)}, dropped {dropped or 0}"
                print(
                    f"  {label:<14} {pages:>6} pages {seconds:7.2f} s {per_second:8.1f} pages/s{extra}"
                )
                cpu = result["cpu"]
                print(
                    f"  {'':<14} cpu s: crawler {cpu['crawler']:.1f}, extraction workers "
                    f"{cpu['workers']:.1f}, site server {cpu['server']:.1f} (incl. start-up); "
                    f"load average {os.getloadavg()[0]:.1f}"
                )
                if label not in best or per_second > best[label][2]:
                    best[label] = (pages, seconds, per_second)
        ratio = best["full pipeline"][2] / best["pipelines off"][2]
        print(f"full pipeline / pipelines off = {ratio:.0%} (target >= 60%)")
    finally:
        drop()
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
