"""Per-source configuration (sources/*.yaml): the dataclasses every stage reads.

Loading and validation of the YAML files live here too (see ``load_sources``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    extraction: ExtractionOverrides = field(default_factory=ExtractionOverrides)
    example: bool = False  # an example for a real site; never crawled by tests
    path: str | None = None  # the YAML file it came from
