"""`newsmill` command line: demo, crawl, extract, db, runs, health, schedule, sources."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

from pipeline.user_errors import NewsmillError

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "pipeline.settings")


def _pairs(values: Sequence[str] | None, flag: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for value in values or ():
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise NewsmillError(f"{flag} expects NAME=VALUE, got {value!r}")
        result[key] = val
    return result


def _project_settings(overrides: dict[str, Any]) -> Any:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def _database_url(settings: Any) -> str:
    from pipeline.db.session import check_connection
    from pipeline.db.target import database_target

    url = database_target(settings).connect_url()
    check_connection(url)
    return url


def run_crawls(jobs: list[tuple[str, dict[str, str]]], overrides: dict[str, Any]) -> dict[str, Any]:
    """Run spiders one after another in this process (one reactor); return merged stats."""
    from scrapy.crawler import CrawlerProcess

    settings = _project_settings(overrides)
    url = _database_url(settings) if settings.getbool("NEWSMILL_STORE_ENABLED") else ""
    if url:
        from pipeline.db.readiness import ensure_schema

        ensure_schema(url)  # an empty database gets the schema; another revision is refused
        settings.set("NEWSMILL_DATABASE_URL", url, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = []
    failed: list[NewsmillError] = []

    from twisted.internet import defer

    @defer.inlineCallbacks
    def sequence() -> Any:
        for spider, args in jobs:
            crawler = process.create_crawler(spider)
            crawlers.append(crawler)
            try:
                yield process.crawl(crawler, **args)
            except NewsmillError as exc:  # raised while the crawl starts (a bad -a, source)
                failed.append(exc)
                return

    sequence()
    process.start()
    if failed:
        raise failed[0]
    merged: dict[str, Any] = {}
    for crawler in crawlers:
        for key, value in crawler.stats.get_stats().items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                merged[key] = merged.get(key, 0) + value
            elif isinstance(value, str) and key.startswith("newsmill/"):
                merged[key] = value  # e.g. why the run was skipped
    return merged


def _print_summary(stats: dict[str, Any], elapsed: float, out: Any = sys.stdout) -> None:
    from pipeline.extensions import summarize

    s = summarize(stats)
    print("Newsmill crawl summary", file=out)
    print(f"  pages fetched        {s['pages_fetched']}", file=out)
    print(f"  articles stored      {s['stored']}", file=out)
    print(f"  articles updated     {s['updated']}", file=out)
    print(f"  duplicates (url)     {s['duplicates_url']}", file=out)
    print(f"  duplicates (content) {s['duplicates_content']}", file=out)
    if s["near_duplicates"]:  # among the stored: a copy with its own edits is kept, marked
        print(f"  near copies (stored) {s['near_duplicates']}", file=out)
    print(f"  not modified (304)   {s['not_modified']}", file=out)
    if s["spooled"]:
        print(f"  spooled (db down)    {s['spooled']}", file=out)
    drops = ", ".join(f"{k} {v}" for k, v in s["dropped"].items()) or "none"
    print(f"  dropped              {sum(s['dropped'].values())} ({drops})", file=out)
    if s["skipped"]:
        skips = ", ".join(f"{k} {v}" for k, v in s["skipped"].items())
        print(f"  not fetched          {sum(s['skipped'].values())} ({skips})", file=out)
    if s["errors"]:
        errs = ", ".join(f"{k} {v}" for k, v in s["errors"].items())
        print(f"  errors               {errs}", file=out)
    if s.get("refused"):
        refused = ", ".join(f"{k} {v}" for k, v in s["refused"].items())
        print(f"  refused (guard)      {sum(s['refused'].values())} ({refused})", file=out)
    print(f"  time                 {elapsed:.1f}s", file=out)


def _crawl_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = dict(_pairs(args.set, "-s"))
    overrides.setdefault("LOG_LEVEL", "INFO" if args.verbose else "WARNING")
    overrides.setdefault("NEWSMILL_PROGRESS", not args.quiet)
    return overrides


def cmd_crawl(args: argparse.Namespace) -> int:
    spider_args = _pairs(args.arg, "-a")
    if args.source:
        spider, spider_args = "source", {"name": args.source, **spider_args}
    elif args.spider:
        spider = args.spider
    else:
        raise NewsmillError("name a spider (feed, sitemap, section, urls, source) or --source NAME")
    overrides = _crawl_overrides(args)
    if args.recheck:
        # Every stored article within the recheck window is due now (conditional GETs).
        overrides["NEWSMILL_RECHECK_INTERVAL_HOURS"] = 0.0
    if args.wait:
        overrides["NEWSMILL_SOURCE_LOCK_WAIT"] = True
    started = time.monotonic()
    stats = run_crawls([(spider, spider_args)], overrides)
    from pipeline.runlock import SKIP_REASON_STAT
    from pipeline.schedule import EXIT_SKIPPED

    if stats.get(SKIP_REASON_STAT):
        print(f"newsmill: skipped: {stats[SKIP_REASON_STAT]}; --wait waits for it", file=sys.stderr)
        return EXIT_SKIPPED
    # Scrapy's own open-to-close time: the duration recorded in crawl_runs too.
    _print_summary(stats, stats.get("elapsed_time_seconds", time.monotonic() - started))
    if stats.get("newsmill/unwritable"):
        from pipeline.pipelines.store import unwritable_message

        raise NewsmillError(unwritable_message(int(stats["newsmill/unwritable"])))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pipeline.demo import demo_jobs, demo_settings
    from pipeline.fixtureweb.server import serve

    started = time.monotonic()
    try:
        # Fixed ports keep the demo's URLs stable, so a second run shows incremental crawling.
        web_server = serve(port=args.port)
    except OSError:
        web_server = serve(port=0)
    with tempfile.TemporaryDirectory(prefix="newsmill-demo-") as tmp, web_server as web:
        jobs = demo_jobs(web, Path(tmp))
        print(f"Serving the bundled news web at {', '.join(web.sites.values())}", file=sys.stderr)
        overrides = {**demo_settings(web), **_crawl_overrides(args)}
        stats = run_crawls(jobs, overrides)
    _print_summary(stats, time.monotonic() - started)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.extraction import extract
    from pipeline.extraction.render import article_to_json, article_to_markdown

    if args.path == "-":
        pages = [(sys.stdin.buffer.read(), args.url)]
    else:
        paths = (
            sorted(Path(args.path).glob("*.htm*"))
            if Path(args.path).is_dir()
            else [Path(args.path)]
        )
        if not paths:
            raise NewsmillError(f"no HTML files in {args.path}")
        pages = []
        for path in paths:
            try:
                pages.append((path.read_bytes(), args.url or path.resolve().as_uri()))
            except OSError as exc:
                raise NewsmillError(f"cannot read {path}: {exc.strerror}") from exc
    for body, url in pages:
        article = extract(body, url or None)
        print(article_to_markdown(article) if args.format == "md" else article_to_json(article))
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from pipeline.db.session import schema_status, upgrade
    from pipeline.db.target import database_target

    target = database_target(_project_settings({}))
    if args.action == "stop":
        from pipeline.db.embedded import stop_embedded

        stopped = stop_embedded(target.home)
        print(f"embedded PostgreSQL in {target.home} {'stopped' if stopped else 'was not running'}")
        return 0
    url = target.connect_url()
    if args.action == "upgrade":
        upgrade(url)
        print(schema_status(url))
    elif args.action == "status":
        print(schema_status(url))
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from pipeline.db.runs import recent_runs
    from pipeline.db.session import get_engine
    from pipeline.history import format_runs

    engine = get_engine(_database_url(_project_settings({})))
    try:
        runs = recent_runs(engine, args.limit, source=args.source, failed=args.failed)
    finally:
        engine.dispose()
    print("\n".join(format_runs(runs)))
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from pipeline.db.session import get_engine
    from pipeline.health import format_report, health_report

    settings = _project_settings({})
    engine = get_engine(_database_url(settings))
    try:
        verdicts = health_report(engine, settings, args.source)
    finally:
        engine.dispose()
    print("\n".join(format_report(verdicts)))
    return 1 if any(v.flagged for v in verdicts) else 0


def cmd_schedule(args: argparse.Namespace) -> int:
    import logging

    from pipeline.db.target import database_target
    from pipeline.schedule import CrawlScheduler, ScheduleOptions, database_last_starts

    settings = _project_settings(_pairs(args.set, "-s"))
    directory = Path(args.sources_dir or settings.get("NEWSMILL_SOURCES_DIR"))
    if not directory.is_dir():
        raise NewsmillError(f"no sources directory at {directory} (set NEWSMILL_SOURCES_DIR)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    options = ScheduleOptions(
        sources_dir=directory.resolve(),
        max_parallel=args.max_parallel or settings.getint("NEWSMILL_SCHEDULE_MAX_PARALLEL"),
        timezone=settings.get("NEWSMILL_SCHEDULE_TIMEZONE"),
        reload_seconds=settings.getfloat("NEWSMILL_SCHEDULE_RELOAD_SECONDS"),
        stop_seconds=settings.getfloat("NEWSMILL_SCHEDULE_STOP_SECONDS"),
        crawl_args=tuple(arg for value in args.set or () for arg in ("-s", value)),
    )
    url = database_target(settings).connect_url()
    return CrawlScheduler(options, database_last_starts(url)).run()


@contextlib.contextmanager
def _stored_articles() -> Iterator[Engine]:
    """An engine on the configured database, which must already hold Newsmill's tables."""
    from pipeline.db.readiness import ensure_schema
    from pipeline.db.session import get_engine

    url = _database_url(_project_settings({}))
    ensure_schema(url, migrate_empty=False)
    engine = get_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.export import ExportQuery, export_articles, parse_since

    wanted = ExportQuery(
        since=parse_since(args.since) if args.since else None,
        source=args.source,
        one_per_story=args.one_per_story,
    )
    if args.out is None and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # the export is UTF-8 whatever the locale
    with _stored_articles() as engine:
        try:
            progress = sys.stderr if sys.stderr.isatty() and not args.quiet else None
            written = export_articles(engine, wanted, args.format, args.out, progress=progress)
        except BrokenPipeError:  # `newsmill export … | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    if args.out is not None:
        print(f"exported {written} articles to {args.out}", file=sys.stderr)
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from pipeline.export import parse_since
    from pipeline.stories import format_stories, list_stories

    with _stored_articles() as engine:
        rows = list_stories(
            engine,
            since=parse_since(args.since) if args.since else None,
            source=args.source,
            min_sources=args.min_sources,
            limit=args.limit,
        )
    print("\n".join(format_stories(rows)))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from pipeline.stories import UnknownArticle, article_versions, format_history

    with _stored_articles() as engine:
        try:
            article_id, versions = article_versions(engine, args.url)
        except UnknownArticle as exc:
            raise NewsmillError(str(exc)) from exc
    print("\n".join(format_history(article_id, args.url, versions)))
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from pipeline.schedule import schedule_key
    from pipeline.sources import load_sources

    settings = _project_settings({})
    directory = Path(args.dir or settings.get("NEWSMILL_SOURCES_DIR"))
    if not directory.is_dir():
        raise NewsmillError(
            f"no sources directory at {directory} (set NEWSMILL_SOURCES_DIR or --dir)"
        )
    sources = load_sources(directory)
    if args.action == "check":
        print(f"{len(sources)} sources in {directory} are valid")
        return 0
    for name, src in sorted(sources.items()):
        starts = len(src.feeds) + len(src.sitemaps) + len(src.sections) + len(src.urls)
        flag = " (example)" if src.example else ""
        print(
            f"{name:<20} {','.join(src.allowed_domains)[:40]:<40} {src.language or '-':<5} {starts:>3} start points  {schedule_key(src) or '-'}{flag}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsmill", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def crawl_flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="Scrapy setting")
        p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log")
        p.add_argument("-q", "--quiet", action="store_true", help="no live progress line")

    p = sub.add_parser("demo", help="serve the bundled news web and crawl it into the database")
    p.add_argument("--port", type=int, default=8765, help="first port of the fixture web (0: any)")
    crawl_flags(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("crawl", help="run a spider with the full pipeline")
    p.add_argument("spider", nargs="?", help="feed, sitemap, section, urls or source")
    p.add_argument("--source", help="crawl every start point of this configured source")
    p.add_argument("-a", "--arg", action="append", metavar="NAME=VALUE", help="spider argument")
    p.add_argument(
        "--recheck", action="store_true", help="recheck every stored article in the window now"
    )
    p.add_argument(
        "--wait", action="store_true", help="wait for a running crawl of the source, not skip"
    )
    crawl_flags(p)
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("extract", help="extract the article from a saved page (or - for stdin)")
    p.add_argument("path")
    p.add_argument("--url", default=os.environ.get("ARTICLE_URL") or None)
    p.add_argument("--format", choices=("json", "md"), default="json")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("db", help="database schema")
    p.add_argument("action", choices=("upgrade", "status", "stop"))
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("runs", help="recent crawl runs")
    p.add_argument("-n", "--limit", type=int, default=20)
    p.add_argument("--source", metavar="NAME", help="only this source's runs")
    p.add_argument("--failed", action="store_true", help="only runs that did not finish")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("health", help="flag sources whose latest run looks broken (exit 1)")
    p.add_argument("--source", metavar="NAME", help="only this source")
    p.set_defaults(func=cmd_health)

    p = sub.add_parser("schedule", help="run each source's crawl on its schedule until SIGTERM")
    p.add_argument("--sources-dir", help="default NEWSMILL_SOURCES_DIR")
    p.add_argument("--max-parallel", type=int, help="crawls at once (default: one per core)")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="Scrapy setting")
    p.set_defaults(func=cmd_schedule)

    p = sub.add_parser("export", help="stored articles as JSON lines, CSV or Markdown files")
    p.add_argument("--format", choices=("jsonl", "csv", "md"), required=True)
    p.add_argument("--out", type=Path, help="file (jsonl, csv; default stdout) or directory (md)")
    p.add_argument("--since", metavar="DATE", help="published (or first stored) on or after")
    p.add_argument("--source", metavar="NAME", help="only this source's articles")
    p.add_argument("--one-per-story", action="store_true", help="each story's first article")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stories", help="stories: near copies of one article across sources")
    p.add_argument("--since", metavar="DATE", help="seen or published on or after")
    p.add_argument("--source", metavar="NAME", help="stories this source ran")
    p.add_argument("--min-sources", type=int, default=1, metavar="N", help="run by N+ sources")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_stories)

    p = sub.add_parser("history", help="an article's versions with a word diff between them")
    p.add_argument("url", help="any URL the article was stored under")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("sources", help="configured sources")
    p.add_argument("action", choices=("list", "check"))
    p.add_argument("--dir", help="sources directory (default NEWSMILL_SOURCES_DIR)")
    p.set_defaults(func=cmd_sources)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NewsmillError as exc:
        print(f"newsmill: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsmill: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
