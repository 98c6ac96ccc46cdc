"""Per-source configuration (sources/*.yaml): the dataclasses every stage reads.

Loading and validation of the YAML files live here too (see ``load_sources``). A source
file looks like::

    name: example_news            # [a-z0-9_-], unique across the directory
    example: true                 # a real site: never crawled by tests
    allowed_domains: [example.com]
    language: en
    timezone: Europe/London       # IANA name
    feeds: [https://example.com/rss.xml]
    sitemaps: [https://example.com/sitemap.xml]
    sections: [https://example.com/world/]
    urls: []
    article_patterns: ['/\\d{4}/\\d{2}/\\d{2}/']   # optional regexes: what an article URL looks like
    limits: {max_pages: 500, max_depth: 2, max_age_days: 3}
    schedule: "*/30 * * * *"      # cron: minute hour day month weekday (or every: 30m)
    recheck: {within_days: 7, interval_hours: 12}   # stored articles this recent: refetched this often
    extraction: {drop_selectors: [".share-bar"], date_format: "%Y年%m月%d日 %H:%M"}

Every error raised names the file and the field so a user can fix it at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger

from pipeline.boundedyaml import MAX_BYTES, load_bounded
from pipeline.user_errors import SourceConfigError


@dataclass(frozen=True, slots=True)
class ExtractionOverrides:
    """Per-source knowledge layered on the generic extractor (the Fundus idea)."""

    body_selectors: tuple[str, ...] = ()  # CSS: where the article body is, tried in order
    drop_selectors: tuple[str, ...] = ()  # CSS: chrome to remove before extraction
    keep_selectors: tuple[str, ...] = ()  # CSS: never remove these, whatever the generic rules say
    title_selector: str | None = None
    author_selector: str | None = None
    date_selector: str | None = None
    date_format: str | None = None  # strptime format for the date text, when it is unusual
    drop_patterns: tuple[str, ...] = ()  # regexes: body lines to drop (site-specific boilerplate)


@dataclass(frozen=True, slots=True)
class CrawlLimits:
    max_pages: int | None = None
    max_depth: int | None = None
    max_age_days: int | None = None


@dataclass(frozen=True, slots=True)
class RecheckWindow:
    """Per-source recheck policy; None keeps the NEWSMILL_RECHECK_* setting."""

    within_days: float | None = None  # stored articles published this recently are rechecked
    interval_hours: float | None = None  # … this often (conditional GET)


# Which Scrapy setting each RecheckWindow field stands for.
_RECHECK_SETTINGS = {
    "within_days": "NEWSMILL_RECHECK_WITHIN_DAYS",
    "interval_hours": "NEWSMILL_RECHECK_INTERVAL_HOURS",
}


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    allowed_domains: tuple[str, ...] = ()
    language: str | None = None
    timezone: str | None = None  # IANA name, used when a page gives a naive time
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    limits: CrawlLimits = field(default_factory=CrawlLimits)
    schedule: str | None = None  # cron expression
    every: float | None = None  # seconds between scheduled runs (``every: 30m``), instead of cron
    recheck: RecheckWindow = field(default_factory=RecheckWindow)
    extraction: ExtractionOverrides = field(default_factory=ExtractionOverrides)
    example: bool = False  # an example for a real site; never crawled by tests
    path: str | None = None  # the YAML file it came from
    # Regexes (searched in the URL) that mark a link as an article for the section spider;
    # empty means the generic heuristics (dates or numeric ids in the path).
    article_patterns: tuple[str, ...] = ()

    @property
    def start_points(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.sections + self.urls

    def setting_overrides(self) -> dict[str, float]:
        """Scrapy settings this source sets for its own crawls.

        The spider applies them at "spider" priority: they win over settings.py, and a
        ``-s`` on the command line (``newsmill crawl --recheck``) still wins over them.
        """
        return {
            setting: value
            for name, setting in _RECHECK_SETTINGS.items()
            if (value := getattr(self.recheck, name)) is not None
        }


_DEFAULT_PORTS = {"http": 80, "https": 443}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$")
_URL_LISTS = ("feeds", "sitemaps", "sections", "urls")
_TOP_LEVEL = frozenset(f.name for f in fields(SourceConfig)) - {"path"}
_LIMIT_FIELDS = frozenset(f.name for f in fields(CrawlLimits))
_EXTRACTION_LIST_FIELDS = frozenset(
    f.name for f in fields(ExtractionOverrides) if f.name.endswith(("selectors", "patterns"))
)
_EXTRACTION_STR_FIELDS = frozenset(f.name for f in fields(ExtractionOverrides)) - (
    _EXTRACTION_LIST_FIELDS
)


def load_sources(directory: str | Path) -> dict[str, SourceConfig]:
    """Load every ``*.yaml``/``*.yml`` file in ``directory``, keyed by source name.

    Raises SourceConfigError for a missing directory, an invalid file or a name used twice.
    """
    root = Path(directory)
    if not root.is_dir():
        raise SourceConfigError(f"{root}: sources directory not found")
    sources: dict[str, SourceConfig] = {}
    for path in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
        config = load_source(path)
        if config.name in sources:
            raise SourceConfigError(
                f"{path}: name: {config.name!r} is already used by {sources[config.name].path}"
            )
        sources[config.name] = config
    return sources


def load_source(path: str | Path) -> SourceConfig:
    """Load and validate one source file."""
    file = Path(path)
    try:
        # Bounded: a source file may come from anywhere (size, alias expansion, duplicate keys).
        with file.open("rb") as handle:
            raw = load_bounded(handle.read(MAX_BYTES + 1))
    except OSError as exc:
        raise SourceConfigError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        # One line: where the broken construct starts, and what is wrong with it.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceConfigError(f"{file}: not valid YAML{line}: {problem}") from exc
    return parse_source(raw, str(file))


def parse_source(raw: Any, origin: str) -> SourceConfig:
    """Validate an already parsed mapping; ``origin`` names it in error messages."""
    if not isinstance(raw, Mapping):
        raise SourceConfigError(f"{origin}: expected a mapping of fields, got {_kind(raw)}")
    unknown = sorted(set(map(str, raw)) - _TOP_LEVEL)
    if unknown:
        raise SourceConfigError(
            f"{origin}: {unknown[0]}: unknown field (known: {', '.join(sorted(_TOP_LEVEL))})"
        )

    def fail(name: str, message: str) -> SourceConfigError:
        return SourceConfigError(f"{origin}: {name}: {message}")

    name = raw.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise fail("name", "required; lower-case letters, digits, '-' and '_' (max 64)")

    domains = tuple(d.lower().strip(".") for d in _str_list(raw, "allowed_domains", fail))
    for domain in domains:
        host, _, port = domain.partition(":")
        if not _DOMAIN_RE.match(host) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
            raise fail("allowed_domains", f"{domain!r} is not a domain name (optionally :port)")

    lists = {key: _str_list(raw, key, fail) for key in _URL_LISTS}
    for key, urls in lists.items():
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise fail(key, f"{url!r} is not an absolute http(s) URL")
            # Feeds and sitemaps may live on another host (a CDN); pages may not.
            if key in ("sections", "urls") and not url_allowed(url, domains):
                raise fail(key, f"{url!r} is outside allowed_domains {list(domains)}")
    if not any(lists.values()):
        raise fail("feeds", "a source needs at least one of feeds, sitemaps, sections or urls")

    language = _opt_str(raw, "language", fail)
    if language is not None and not re.match(r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$", language):
        raise fail("language", f"{language!r} is not a language code such as 'en' or 'zh'")

    timezone = _opt_str(raw, "timezone", fail)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise fail("timezone", f"{timezone!r} is not an IANA time zone name") from exc

    schedule = _opt_str(raw, "schedule", fail)
    if schedule is not None:
        problem = cron_problem(schedule)
        if problem:
            raise fail("schedule", f"{schedule!r}: {problem}")

    every = raw.get("every")
    if every is not None:
        if schedule is not None:
            raise fail("every", "give either schedule (cron) or every (an interval), not both")
        seconds = interval_seconds(every) if isinstance(every, (str, int)) else None
        if seconds is None or isinstance(every, bool):
            raise fail("every", f"{every!r} is not an interval such as 90s, 30m, 2h or 1h30m")
        every = seconds

    patterns = _str_list(raw, "article_patterns", fail)
    for pattern in patterns:
        _check_regex(pattern, "article_patterns", fail)

    example = raw.get("example", False)
    if not isinstance(example, bool):
        raise fail("example", f"expected true or false, got {_kind(example)}")

    return SourceConfig(
        name=name,
        allowed_domains=domains,
        language=language,
        timezone=timezone,
        limits=_limits(raw.get("limits"), fail),
        schedule=schedule,
        every=every,
        recheck=_recheck(raw.get("recheck"), fail),
        extraction=_extraction(raw.get("extraction"), fail),
        example=example,
        path=origin,
        article_patterns=patterns,
        **lists,
    )


def cron_problem(expression: str) -> str | None:
    """Why ``expression`` is not a 5-field crontab line (APScheduler's reading), or None."""
    try:
        CronTrigger.from_crontab(expression)
    except ValueError as exc:
        return str(exc)
    return None


_INTERVAL_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def interval_seconds(value: str | int) -> float | None:
    """``30m``, ``2h``, ``1h30m``, ``90s``, ``1d`` (or a whole number of seconds) in seconds.

    None when ``value`` is not such an interval or is not positive.
    """
    if isinstance(value, int):
        return float(value) if value > 0 else None
    text = value.strip().lower().replace(" ", "")
    parts = _INTERVAL_RE.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    return seconds if seconds > 0 else None


def format_interval(seconds: float) -> str:
    """``1h30m`` for 5400 seconds: the shortest form ``interval_seconds`` reads back."""
    rest, parts = round(seconds), []
    for unit, size in sorted(_UNIT_SECONDS.items(), key=lambda item: -item[1]):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or f"{seconds:g}s"


def url_allowed(url: str, domains: tuple[str, ...]) -> bool:
    """True when ``url``'s host is one of ``domains`` or a subdomain of one (none = any).

    An entry with a port (``127.0.0.1:8001``) requires that port: several sites may share one
    host name on different ports. An entry without one means the scheme's default port, so
    ``news.example.com:5432`` is not the site ``news.example.com`` (it is its database).
    """
    if not domains:
        return True
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().strip(".")
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return False
    for domain in domains:
        name, _, wanted = domain.partition(":")
        if _host_matches(host, name) and (
            int(wanted) == port if wanted else port == _DEFAULT_PORTS.get(parts.scheme.lower())
        ):
            return True
    return False


def host_listed(host: str, domains: tuple[str, ...]) -> bool:
    """True when ``host`` (any port) is one of ``domains`` or a subdomain of one."""
    host = host.lower().strip(".")
    return any(_host_matches(host, domain.partition(":")[0]) for domain in domains)


def _host_matches(host: str, name: str) -> bool:
    return host == name or host.endswith("." + name)


def _limits(raw: Any, fail: Any) -> CrawlLimits:
    if raw is None:
        return CrawlLimits()
    if not isinstance(raw, Mapping):
        raise fail("limits", f"expected a mapping, got {_kind(raw)}")
    unknown = sorted(set(map(str, raw)) - _LIMIT_FIELDS)
    if unknown:
        raise fail(
            f"limits.{unknown[0]}", f"unknown field (known: {', '.join(sorted(_LIMIT_FIELDS))})"
        )
    values: dict[str, int | None] = {}
    for key in _LIMIT_FIELDS:
        value = raw.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise fail(f"limits.{key}", f"expected a positive whole number, got {value!r}")
        values[key] = value
    return CrawlLimits(**values)


def _recheck(raw: Any, fail: Any) -> RecheckWindow:
    if raw is None:
        return RecheckWindow()
    if not isinstance(raw, Mapping):
        raise fail("recheck", f"expected a mapping such as {{within_days: 3}}, got {_kind(raw)}")
    unknown = sorted(set(map(str, raw)) - set(_RECHECK_SETTINGS))
    if unknown:
        raise fail(
            f"recheck.{unknown[0]}",
            f"unknown field (known: {', '.join(sorted(_RECHECK_SETTINGS))})",
        )
    values: dict[str, float | None] = {}
    for key in _RECHECK_SETTINGS:
        value = raw.get(key)
        # 0 is allowed: within_days 0 never rechecks, interval_hours 0 rechecks on every run.
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0
        ):
            raise fail(f"recheck.{key}", f"expected a number of at least 0, got {value!r}")
        values[key] = None if value is None else float(value)
    return RecheckWindow(**values)


def _extraction(raw: Any, fail: Any) -> ExtractionOverrides:
    if raw is None:
        return ExtractionOverrides()
    if not isinstance(raw, Mapping):
        raise fail("extraction", f"expected a mapping, got {_kind(raw)}")
    known = _EXTRACTION_LIST_FIELDS | _EXTRACTION_STR_FIELDS
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise fail(f"extraction.{unknown[0]}", f"unknown field (known: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    for key in _EXTRACTION_LIST_FIELDS:
        values[key] = _str_list(raw, key, lambda f, m: fail(f"extraction.{f}", m))
    for key in _EXTRACTION_STR_FIELDS:
        values[key] = _opt_str(raw, key, lambda f, m: fail(f"extraction.{f}", m))
    for pattern in values["drop_patterns"]:
        _check_regex(pattern, "extraction.drop_patterns", fail)
    return ExtractionOverrides(**values)


def _str_list(raw: Mapping[str, Any], key: str, fail: Any) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(key, "expected a list of non-empty strings")
    # A URL listed twice is fetched once (a feed or sitemap costs a fetch per listing).
    return tuple(dict.fromkeys(v.strip() for v in value))


def _opt_str(raw: Mapping[str, Any], key: str, fail: Any) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(key, f"expected a non-empty string, got {_kind(value)}")
    return value.strip()


def _check_regex(pattern: str, name: str, fail: Any) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise fail(name, f"{pattern!r} is not a valid regular expression: {exc}") from exc


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
