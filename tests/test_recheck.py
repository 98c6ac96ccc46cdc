"""Per-source recheck window (`recheck:` in the YAML) and `newsmill crawl --recheck`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from sqlalchemy import Engine

from pipeline.demo import write_demo_sources
from pipeline.fixtureweb import FixtureWeb
from spiders.source import SourceSpider

ROOT = Path(__file__).resolve().parents[1]
NEWSMILL = [sys.executable, "-m", "pipeline.cli"]


def _source_file(directory: Path, **fields: object) -> Path:
    path = directory / "site.yaml"
    config = {"name": "site", "urls": ["https://example.com/a/1"], **fields}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_the_source_window_beats_settings_py_and_loses_to_the_command_line(
    tmp_path: Path,
) -> None:
    path = _source_file(tmp_path, recheck={"within_days": 30, "interval_hours": 1})
    base = {"NEWSMILL_INCREMENTAL": False, "NEWSMILL_RECHECK_WITHIN_DAYS": 3.0}
    # As Crawler.crawl() does: the spider is made before the settings are frozen.
    crawler = Crawler(SourceSpider, Settings(base))
    crawler.spider = SourceSpider.from_crawler(crawler, source=str(path))
    assert crawler.settings.getfloat("NEWSMILL_RECHECK_WITHIN_DAYS") == 30
    assert crawler.settings.getfloat("NEWSMILL_RECHECK_INTERVAL_HOURS") == 1

    crawler = Crawler(SourceSpider, Settings(base))
    # What `newsmill crawl --recheck` sets: every article in the window is due now.
    crawler.settings.set("NEWSMILL_RECHECK_INTERVAL_HOURS", 0.0, priority="cmdline")
    crawler.spider = SourceSpider.from_crawler(crawler, source=str(path))
    assert crawler.settings.getfloat("NEWSMILL_RECHECK_INTERVAL_HOURS") == 0
    assert crawler.settings.getfloat("NEWSMILL_RECHECK_WITHIN_DAYS") == 30


@pytest.mark.slow
def test_recheck_flag_refetches_stored_articles_conditionally_now(
    clean_db: Engine, database_env: dict[str, str], fresh_web: FixtureWeb, tmp_path: Path
) -> None:
    write_demo_sources(fresh_web, tmp_path)
    path = tmp_path / "syndicate.yaml"
    config = yaml.safe_load(path.read_text())
    # The fixture stories are from November 2026: a window wide enough to hold them.
    config["recheck"] = {"within_days": 3650, "interval_hours": 24}
    path.write_text(yaml.safe_dump(config))
    env = {**database_env, "NEWSMILL_ALLOW_PRIVATE": "127.0.0.0/8", "NEWSMILL_REDIS_URL": ""}
    crawl = [*NEWSMILL, "crawl", "--source", "syndicate", "-a", f"sources_dir={tmp_path}", "-q"]

    def run(*extra: str) -> str:
        result = subprocess.run(
            [*crawl, *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def story_requests() -> list[dict[str, str]]:
        return [dict(r.headers) for r in fresh_web.requests("syndicate") if "/stories/" in r.path]

    first = run()
    assert int(re.search(r"articles stored\s+(\d+)", first).group(1)) >= 3  # type: ignore[union-attr]
    fresh_web.clear_requests()
    run()  # within the source's 24-hour interval: stored stories are not fetched again
    assert story_requests() == []
    fresh_web.clear_requests()
    rechecked = run("--recheck")
    headers = story_requests()
    assert headers and all("if-none-match" in h for h in headers), headers
    assert re.search(r"not modified \(304\)\s+[1-9]", rechecked), rechecked
