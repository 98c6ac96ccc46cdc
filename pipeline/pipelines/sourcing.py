"""Source configuration lookup for the stages that apply per-source overrides."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.crawler import Crawler

from pipeline.sources import SourceConfig, load_sources

logger = logging.getLogger(__name__)


class SourceLookup:
    """Find an item's SourceConfig: the running spider's own config first (it may come from a
    ``-a sources_dir=`` the settings don't know), else sources/*.yaml from NEWSMILL_SOURCES_DIR,
    loaded once on first use."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.directory = Path(crawler.settings.get("NEWSMILL_SOURCES_DIR"))
        self._loaded: dict[str, SourceConfig] | None = None

    def get(self, name: str | None) -> SourceConfig | None:
        if not name:
            return None
        config = getattr(self.crawler.spider, "config", None)
        if isinstance(config, SourceConfig) and config.name == name:
            return config
        if self._loaded is None:
            self._loaded = load_sources(self.directory) if self.directory.is_dir() else {}
        return self._loaded.get(name)
