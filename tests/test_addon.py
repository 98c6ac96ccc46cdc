"""The Newsmill add-on: pipeline/settings.py's defaults for crawls that do not load it."""

from __future__ import annotations

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler, get_reactor_settings

from pipeline import settings as project_settings
from pipeline.addon import MERGED_COMPONENTS, Newsmill, newsmill_defaults
from pipeline.middlewares import NotHtmlStopMiddleware, RetryAfterMiddleware
from spiders.sitemap import SitemapSpider

ADDON = {"ADDONS": {Newsmill: 0}}


def _downloader_middlewares(crawler: Crawler) -> list[type]:
    middlewares = crawler.settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    return [load_object(component) for component in build_component_list(middlewares)]


def test_a_component_reads_the_addon_default_without_the_project_settings() -> None:
    # get_crawler() starts from Scrapy's own defaults: pipeline/settings.py is not loaded.
    bare = get_crawler(Spider, {})
    assert bare.settings["NEWSMILL_RETRY_AFTER_MAX"] is None

    crawler = get_crawler(Spider, ADDON)
    crawler.spider = crawler._create_spider("addon-test")
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    assert middleware.retry_after_max == project_settings.NEWSMILL_RETRY_AFTER_MAX == 120.0
    assert middleware.backoff_max == project_settings.NEWSMILL_RETRY_BACKOFF_MAX
    # The add-on installs Newsmill's downloader middlewares in place of Scrapy's retry.
    enabled = _downloader_middlewares(crawler)
    assert RetryAfterMiddleware in enabled
    assert NotHtmlStopMiddleware in enabled
    assert RetryMiddleware not in enabled
    assert RetryMiddleware in _downloader_middlewares(bare)


def test_every_setting_of_the_settings_module_reaches_an_addon_crawl() -> None:
    settings = get_crawler(Spider, ADDON).settings
    defaults = newsmill_defaults()
    assert "NEWSMILL_RECHECK_WITHIN_DAYS" in defaults and "ITEM_PIPELINES" in defaults
    # get_crawler() itself sets these (as a project would), so they are not the add-on's.
    given_by_get_crawler = {"TELNETCONSOLE_ENABLED", *get_reactor_settings()}
    for name, value in defaults.items():
        if name in given_by_get_crawler:
            continue
        if name in MERGED_COMPONENTS:
            merged = settings.getdict(name)
            for component, order in value.items():
                assert merged.get(component) == order, (name, component)
        else:
            assert settings[name] == value, name


def test_project_settings_win_and_component_dicts_are_merged() -> None:
    settings = {
        **ADDON,
        "NEWSMILL_RETRY_AFTER_MAX": 5.0,
        "ITEM_PIPELINES": {"tests.test_addon.Collect": 100},
        # A project's own middleware dict: Newsmill's entries are added to it, its own win.
        "DOWNLOADER_MIDDLEWARES": {NotHtmlStopMiddleware: None, RetryMiddleware: 500},
    }
    crawler = get_crawler(Spider, settings)
    crawler.spider = crawler._create_spider("addon-test")
    assert RetryAfterMiddleware.from_crawler(crawler).retry_after_max == 5.0
    assert dict(crawler.settings.getdict("ITEM_PIPELINES")) == {"tests.test_addon.Collect": 100}
    enabled = _downloader_middlewares(crawler)
    assert RetryAfterMiddleware in enabled
    assert NotHtmlStopMiddleware not in enabled
    assert RetryMiddleware in enabled


def test_a_redis_url_switches_to_the_shared_frontier() -> None:
    own = get_crawler(Spider, {**ADDON, "NEWSMILL_REDIS_URL": ""}).settings
    assert not own["SCHEDULER"].startswith("scrapy_redis")
    url = "redis://127.0.0.1:6379/5"
    shared = get_crawler(Spider, {**ADDON, "NEWSMILL_REDIS_URL": url}).settings
    assert shared["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert shared["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert shared["REDIS_URL"] == url
    assert shared.getbool("SCHEDULER_PERSIST")


def test_newsmill_spiders_enable_the_addon_themselves() -> None:
    # No ADDONS given, no project settings: the spider brings Newsmill's defaults along.
    settings = get_crawler(SitemapSpider, {"NEWSMILL_INCREMENTAL": False}).settings
    assert settings.getint("NEWSMILL_MAX_SITEMAP_LEVELS") == 4
    assert (
        settings.getint("NEWSMILL_MAX_SITEMAP_LEVELS")
        == project_settings.NEWSMILL_MAX_SITEMAP_LEVELS
    )
    assert settings["NEWSMILL_SOURCES_DIR"] == project_settings.NEWSMILL_SOURCES_DIR
    # A project that names the add-on by its path keeps one entry, not two.
    named = get_crawler(SitemapSpider, {"ADDONS": {"pipeline.addon.Newsmill": 0}}).settings
    assert len(named.getdict("ADDONS")) == 1
