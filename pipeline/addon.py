"""Newsmill's Scrapy add-on: the defaults in pipeline/settings.py for crawls that do not load it.

`scrapy crawl` in this checkout and the `newsmill` CLI load pipeline/settings.py as the project
settings. Scrapyd serving another project, a script with its own CrawlerProcess and a test's
``get_crawler()`` do not; with ``ADDONS = {"pipeline.addon.Newsmill": 0}`` they get the
same values (Newsmill's spiders add it to ADDONS themselves). So every default is written once, in settings.py, and components read settings
without fallbacks. The add-on also switches to a shared scrapy-redis frontier when
NEWSMILL_REDIS_URL is set.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.utils.python import global_object_name

from pipeline import settings as project_settings

# Component dicts are merged entry by entry, so a project that adds a middleware of its own
# keeps Newsmill's, and can still reorder or disable (None) one of them. ITEM_PIPELINES is not
# merged: a project that lists its own stages (a test collecting raw pages) chose them all.
MERGED_COMPONENTS = frozenset({"DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS"})
# These name a project rather than configure a crawl; another project keeps its own.
PROJECT_ONLY = frozenset(
    {"ADDONS", "BOT_NAME", "COMMANDS_MODULE", "NEWSPIDER_MODULE", "SPIDER_MODULES"}
)


def newsmill_defaults(module: ModuleType = project_settings) -> dict[str, Any]:
    """Every setting of ``module`` (pipeline/settings.py) that the add-on applies."""
    return {
        name: copy.deepcopy(getattr(module, name))
        for name in dir(module)
        if name.isupper() and name not in PROJECT_ONLY
    }


class Newsmill:
    """Sets Newsmill's defaults at the "addon" priority: project, spider and ``-s`` values win."""

    def update_settings(self, settings: BaseSettings) -> None:
        for name, value in newsmill_defaults().items():
            if name in MERGED_COMPONENTS:
                merge_components(settings, name, value)
            else:
                settings.set(name, value, priority="addon")
        share_frontier(settings)


def share_frontier(settings: BaseSettings) -> None:
    """With NEWSMILL_REDIS_URL set, crawlers share one frontier (scrapy-redis) across nodes.

    Done here rather than in the spiders because spiders update settings before add-ons run:
    only now is NEWSMILL_REDIS_URL known when pipeline/settings.py is not the project's.
    """
    redis_url = settings.get("NEWSMILL_REDIS_URL")
    if redis_url:
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="addon")
        settings.set("REDIS_URL", redis_url, priority="addon")


def merge_components(settings: BaseSettings, name: str, components: dict[str, int | None]) -> None:
    """Add each of ``components`` to the ``name`` dict unless it is already there.

    Keys stay import paths, as in settings.py: Scrapy's getwithbase() leaves a class key
    beside the same component's path in the *_BASE dict, so ``{RetryMiddleware: None}``
    would not switch off the RetryMiddleware that DOWNLOADER_MIDDLEWARES_BASE enables.
    """
    current = settings.getdict(name)
    present = {key if isinstance(key, str) else global_object_name(key) for key in current}
    for path, order in components.items():
        if path not in present:
            current[path] = order
    # Like Scrapy's own *_in_component_priority_dict helpers: the setting keeps its priority.
    settings.set(name, current, priority=settings.getpriority(name) or 0)
