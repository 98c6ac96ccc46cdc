"""Source configuration lookup shared by the stages that need per-source overrides."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.settings import BaseSettings

from pipeline.sources import SourceConfig, load_sources

logger = logging.getLogger(__name__)


def sources_from_settings(settings: BaseSettings) -> dict[str, SourceConfig]:
    """Load sources/*.yaml named by NEWSMILL_SOURCES_DIR; a missing directory means no overrides."""
    directory = Path(settings.get("NEWSMILL_SOURCES_DIR") or "sources")
    if not directory.is_dir():
        logger.debug("no sources directory at %s; using generic extraction only", directory)
        return {}
    return load_sources(directory)
