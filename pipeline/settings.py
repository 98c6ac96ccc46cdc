"""Scrapy settings for Newsmill. Every Newsmill setting is here with its default and why."""

from __future__ import annotations

import os

BOT_NAME = "newsmill"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# `scrapy crawl` prepares the database like `newsmill crawl` and reports user errors in one line.
COMMANDS_MODULE = "pipeline.commands"
# This module is where every default lives. Crawls that do not load it as their project settings
# (Scrapyd serving another project, scripts, tests) get the same values from this add-on
# (pipeline/addon.py), which Newsmill's spiders also enable themselves; components therefore
# read settings without fallbacks.
ADDONS = {"pipeline.addon.Newsmill": 0}

# --- Politeness -------------------------------------------------------------------------
NEWSMILL_CONTACT_URL = os.environ.get(
    "NEWSMILL_CONTACT_URL", "https://github.com/newsmill/newsmill"
)
USER_AGENT = f"Newsmill/0.1 (+{NEWSMILL_CONTACT_URL})"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
# 16 global / 8 per domain: measured here, 32/8 collapsed to ~20 pages/s against one host.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# An article response yields one item; Scrapy starts CONCURRENT_ITEMS asyncio workers per
# callback output, so its default of 100 spent ~20% of the crawling process on idle tasks.
CONCURRENT_ITEMS = 8
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # a news page over 10 MB is not a news page
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Retry-After-aware retries with exponential backoff replace Scrapy's RetryMiddleware;
# a PDF or image behind an article link is cut off after its headers; robots.txt also gives
# Crawl-delay, and a 5xx robots.txt means "disallow all"; the fetch guard sits above the
# retries (a higher number), so a refused address is never retried.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "pipeline.middlewares.RetryAfterMiddleware": 550,
    "pipeline.middlewares.NotHtmlStopMiddleware": 560,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "pipeline.middlewares.RobotsPolicyMiddleware": 100,
    "pipeline.fetchguard.FetchGuardMiddleware": 570,
}
NEWSMILL_RETRY_BACKOFF_BASE = 1.0  # seconds; doubled per attempt, with jitter
NEWSMILL_RETRY_BACKOFF_MAX = 30.0
NEWSMILL_RETRY_AFTER_MAX = 120.0  # never wait longer than this for a Retry-After
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("NEWSMILL_LOG_LEVEL", "INFO")
# Drops are counted and summarized; each is logged in one short line naming the page, not
# with the whole item as Scrapy's default does (a page item carries its raw HTML).
LOG_FORMATTER = "pipeline.logformatter.NewsmillLogFormatter"

# --- Item pipelines: the stages, in the order data flows --------------------------------
ITEM_PIPELINES = {
    # a 200 with a non-empty HTML body under DOWNLOAD_MAXSIZE, or a counted drop
    "pipeline.pipelines.validate.ValidatePipeline": 100,
    # strip site chrome and extract the article, all its pages merged, and its fingerprints
    # (in the extraction worker processes); too little text is dropped as no_article
    "pipeline.pipelines.extract.StripAndExtractPipeline": 200,
    # canonical URL and URL keys (the database's unique constraints decide duplicates)
    "pipeline.pipelines.dedup.DedupPipeline": 300,
    # an article whose page dates it before the crawl's cutoff (max_age_days, since): too_old
    "pipeline.pipelines.max_age.MaxAgePipeline": 350,
    # batched writes to PostgreSQL, spooled when it is down
    "pipeline.pipelines.store.StorePipeline": 400,
}

# --- Newsmill ---------------------------------------------------------------------------
# PostgreSQL URL; empty means the embedded server under NEWSMILL_HOME. DATABASE_URL wins
# when set in the environment.
NEWSMILL_DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Where the embedded server keeps its data (default: the user's data dir).
NEWSMILL_HOME = os.environ.get("NEWSMILL_HOME", "")
# Directory of sources/*.yaml files.
NEWSMILL_SOURCES_DIR = os.environ.get("NEWSMILL_SOURCES_DIR", "sources")
# Writer batching: flush after this many rows or this many seconds, whichever comes first.
NEWSMILL_STORE_BATCH_SIZE = 200
NEWSMILL_STORE_FLUSH_SECONDS = 2.0
# A new article whose SimHash is within this many bits of a stored one is stored with
# near_duplicate_of pointing at it (syndicated copies with their own edits); 0 turns it off.
NEWSMILL_NEAR_DUPLICATE_BITS = 6
# Extraction worker processes ("auto": one per core beyond the reactor's, at most 4; 0:
# extract in the crawling process). Scrapy is single-threaded; extraction is pure CPU.
NEWSMILL_EXTRACT_WORKERS = os.environ.get("NEWSMILL_EXTRACT_WORKERS", "auto")
# Pages smaller than this many characters of article text are dropped as no_article.
NEWSMILL_MIN_TEXT_CHARS = 80
# Extra query parameters to drop when canonicalizing URLs, on top of the built-in tracking
# list (utm_*, fbclid, gclid, spm, … in pipeline/dedup/urls.py), e.g. ["from", "ref"]. Used
# both for the stored URL keys and for the crawl state's "seen before?" lookups.
NEWSMILL_TRACKING_PARAMS: list[str] = []

EXTENSIONS = {
    "pipeline.extensions.DropStats": 100,
    "pipeline.extensions.Progress": 110,
    "pipeline.runlock.SourceLockExtension": 50,  # before the store stage opens its run row
    "pipeline.health.HealthStats": 120,
    # Feed exports (-O articles.jsonl, FEEDS) write one article per stored page, not the pages.
    "scrapy.extensions.feedexport.FeedExporter": None,
    "pipeline.feeds.ArticleFeedExporter": 0,
    # Incremental crawl state (NEWSMILL_INCREMENTAL): opens it for the run, records what the
    # item pipelines made of each page, brings the parked frontier back, closes it.
    "pipeline.crawlstate.extension.CrawlStateExtension": 90,
}
# --- Discovery and incremental crawling -------------------------------------------------
# Crawl state lives in PostgreSQL: URLs already stored are not fetched again unless due.
NEWSMILL_INCREMENTAL = True
NEWSMILL_RECHECK_WITHIN_DAYS = 3.0  # articles published this recently are rechecked …
NEWSMILL_RECHECK_INTERVAL_HOURS = 6.0  # … this often (conditional GET: ETag/Last-Modified)
NEWSMILL_RECHECK_DROPPED_HOURS = 24.0 * 7  # pages that extracted to nothing: retry weekly
NEWSMILL_RECHECK_GONE_HOURS = 24.0 * 30  # 404/410 pages: retry monthly
NEWSMILL_RECHECK_BATCH = 1000  # due rechecks loaded per query
NEWSMILL_CLAIM_TTL_SECONDS = 3600.0  # a URL claimed by a crashed crawler is free again after this
NEWSMILL_CRAWLSTATE_FLUSH_ROWS = 200  # crawl-state writes are batched like articles
NEWSMILL_CRAWLSTATE_FLUSH_SECONDS = 2.0
# Discovered article requests kept in memory; the rest wait in PostgreSQL (bounded memory
# on a frontier of millions of URLs).
NEWSMILL_FRONTIER_MEMORY = 10_000
NEWSMILL_MAX_SECTION_PAGES = 5  # pagination depth per section page (下一页, rel=next)
NEWSMILL_MAX_ARTICLE_PAGES = 10  # pages merged into one multi-page article
NEWSMILL_MAX_SITEMAP_LEVELS = 4  # sitemap indexes nested deeper than this are not followed

# --- Fetch guard and hostile-input bounds (pipeline/fetchguard.py) -----------------------
# Loopback, private, link-local, CGNAT, multicast and cloud-metadata addresses are never
# fetched (checked on the addresses a connection uses, after DNS, on every redirect) except
# the networks or hosts named here: "127.0.0.1/32", "::1", "10.0.0.0/8", "127.0.0.1:8001"
# (that port only), "intranet.local". The environment variable of the same name is read as a
# comma-separated list (NEWSMILL_ALLOW_PRIVATE=127.0.0.1/32,::1).
NEWSMILL_ALLOW_PRIVATE = [
    entry.strip()
    for entry in os.environ.get("NEWSMILL_ALLOW_PRIVATE", "").split(",")
    if entry.strip()
]
# The resolver that drops refused addresses from DNS answers (IPv4 and IPv6, cached).
TWISTED_DNS_RESOLVER = "pipeline.fetchguard.GuardedResolver"
# Sitemap and feed fetches per source and run, child sitemaps included (each URL once): an
# index that lists itself under endless variants stops here. 0: no limit.
NEWSMILL_MAX_DISCOVERY_FETCHES = 500
# Longer URLs are skipped before they reach the crawl state or the database (PostgreSQL
# cannot index a 10,000-character key; browsers stop near 2,000). 0: no limit.
NEWSMILL_MAX_URL_LENGTH = 2048
# The longest robots.txt Crawl-delay honoured, in seconds (some ask for minutes). 0: ignore it.
NEWSMILL_CRAWL_DELAY_MAX = 10.0
# Feeds bigger than this are counted malformed and not parsed: feedparser reads well under a
# megabyte per second in the crawl's thread (real feeds are under one). 0: no limit.
NEWSMILL_MAX_FEED_BYTES = 5 * 1024 * 1024
# Shared frontier across nodes when set: the add-on (pipeline/addon.py) switches to
# scrapy-redis's scheduler and dupefilter.
NEWSMILL_REDIS_URL = os.environ.get("NEWSMILL_REDIS_URL", "")
# With a shared frontier, keep the queue when a node stops, so the others (or a restart) carry on.
SCHEDULER_PERSIST = True

# Live one-line progress on stderr (the CLI turns it on for interactive runs).
NEWSMILL_PROGRESS = False
NEWSMILL_PROGRESS_INTERVAL = 1.0
# Turn the store stage off (dry runs, benchmarks of the crawl alone).
NEWSMILL_STORE_ENABLED = True

# --- Scheduling, overlapping runs, health (pipeline/schedule.py, runlock.py, health.py) ----
# A crawl of a source holds a PostgreSQL advisory lock for its duration, so two crawls of one
# source never overlap, on any machine; a second one is skipped and recorded as `skipped`.
# Turn it off only for nodes that deliberately share one source's frontier (scrapy-redis).
NEWSMILL_SOURCE_LOCK = True
NEWSMILL_SOURCE_LOCK_WAIT = False  # wait for the running crawl instead (`newsmill crawl --wait`)
NEWSMILL_SOURCE_LOCK_POLL_SECONDS = 2.0  # how often a waiting crawl tries again
# `newsmill schedule`: crawls run at once (each its own process), the time zone of cron
# schedules, how often source files are checked for changes, and how long crawls asked to
# stop (SIGTERM: they finish the pages in flight) get before they are killed.
NEWSMILL_SCHEDULE_MAX_PARALLEL = os.cpu_count() or 1
NEWSMILL_SCHEDULE_TIMEZONE = "UTC"
NEWSMILL_SCHEDULE_RELOAD_SECONDS = 5.0
NEWSMILL_SCHEDULE_STOP_SECONDS = 60.0
# `newsmill health`: a source's latest run against the median of its previous runs. Shares
# (empty or short bodies, no date, no title, errors) are judged only on runs that fetched at
# least MIN_PAGES article pages; a share rising by SHARE_RISE is flagged, and so are articles
# found per run or the average body length changing by more than the factor RATIO.
NEWSMILL_HEALTH_HISTORY_RUNS = 10
NEWSMILL_HEALTH_MIN_PAGES = 5
NEWSMILL_HEALTH_SHORT_BODY_CHARS = 200  # a stored body shorter than this is "very short"
NEWSMILL_HEALTH_SHARE_RISE = 0.25
NEWSMILL_HEALTH_RATIO = 0.5
