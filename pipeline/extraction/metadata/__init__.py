"""Article metadata (title, authors, dates, language, …) from an unstripped page tree.

Sources are read in order of reliability: JSON-LD, meta tags, marked-up elements
(<h1>, <time>, author-classed elements), then the page's text lines near the headline.
The tree is only read, never changed, so the body extractor can strip it afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from pipeline.sources import ExtractionOverrides

from . import bylines, headline_dom, meta, title
from .author_choice import choose_authors
from .authors import dedupe, split_names
from .date_choice import choose_modified, choose_published
from .dates import DateContext, apply_default_tz, parse_date_value, zone_from_name
from .language import guess_from_text, normalize_tag
from .overrides import override_authors, override_date, override_title
from .page import PageSources

logger = logging.getLogger(__name__)

__all__ = ["Metadata", "extract_metadata"]


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    language: str | None = None
    description: str | None = None  # meta/og description, a lead candidate
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    source_name: str | None = None
    site_name: str | None = None
    credits: list[str] = field(default_factory=list)
    image: str | None = None  # og:image / JSON-LD image


def extract_metadata(
    tree: HtmlElement,
    url: str | None,
    *,
    fetched_at: datetime | None = None,
    default_tz: str | None = None,
    hints: Mapping[str, Any] | None = None,
    overrides: ExtractionOverrides | None = None,
) -> Metadata:
    """Read metadata from the whole page (JSON-LD, meta tags, <time>, bylines). Never mutates tree.

    ``default_tz`` (an IANA name) is given to naive times; relative times ("3小时前") are
    resolved against ``fetched_at``. ``hints`` (title, published, authors, image from a feed)
    fill fields the page leaves empty. A source's ``overrides`` (title/author/date selectors)
    win over everything the generic rules find.
    """
    hints = hints or {}
    page = PageSources(
        tree, url, DateContext(fetched_at=fetched_at, default_tz=zone_from_name(default_tz))
    )
    if overrides is not None:
        return _apply_overrides(_generic(page, hints), page, overrides)
    return _generic(page, hints)


def _apply_overrides(
    result: Metadata, page: PageSources, overrides: ExtractionOverrides
) -> Metadata:
    result.title = override_title(page.tree, overrides) or result.title
    result.authors = override_authors(page.tree, overrides) or result.authors
    published = override_date(page.tree, overrides, page.context)
    if published is not None:
        result.published = apply_default_tz(published, page.context)
    return result


def _generic(page: PageSources, hints: Mapping[str, Any]) -> Metadata:
    url = page.url
    site_name = _site_name(page)
    language = _language(page)
    # Zone abbreviations read by the page's language: CST is China's on a Chinese page.
    page.context = replace(page.context, language=language)
    # 来源/责任编辑 lines are a Chinese convention; other pages skip building the text for them.
    chinese = language == "zh"
    result = Metadata(
        title=_title(page, site_name) or _hint_str(hints, "title"),
        authors=choose_authors(page, site_name) or _hint_authors(hints),
        published=choose_published(page) or _hint_date(hints, page.context),
        modified=choose_modified(page),
        language=language,
        description=_first_text(
            page.meta.first(("og:description", "description", "twitter:description")),
            *(a.description for a in page.articles),
        ),
        categories=dedupe(
            [*page.meta.all("article:section"), *(s for a in page.articles[:1] for s in a.sections)]
        ),
        tags=dedupe(_tags(page)),
        canonical_url=_absolute(url, page.meta.canonical or page.meta.first(("og:url",))),
        source_name=bylines.source_name(page.header) if chinese else None,
        site_name=site_name,
        credits=bylines.credits(list(page.text.lines)) if chinese else [],
        image=_absolute(
            url,
            page.meta.first(("og:image", "og:image:url", "twitter:image", "twitter:image:src"))
            or next((a.image for a in page.articles if a.image), None)
            or _hint_str(hints, "image"),
        ),
    )
    return result


def _first_text(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return " ".join(value.split())
    return None


def _absolute(base: str | None, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    return urljoin(base, href) if base else href


def _site_name(page: PageSources) -> str | None:
    return _first_text(
        page.meta.first(("og:site_name", "application-name", "apple-mobile-web-app-title")),
        *(a.publisher for a in page.articles),
    )


def _title(page: PageSources, site_name: str | None) -> str | None:
    article = next((a for a in page.articles if a.is_article and a.headline), None)
    names = [n for n in (site_name, *(a.publisher for a in page.articles)) if n]
    return title.choose_title(
        jsonld_headline=article.headline if article else None,
        jsonld_name=article.name if article else None,
        meta_titles=[t for key in meta.TITLE_KEYS for t in page.meta.all(key)],
        html_title=page.meta.title,
        h1s=headline_dom.headings(page.tree),
        sites=title.site_words(names, page.url),
        og_title=page.meta.first(("og:title",)),
        marked_headline=lambda: headline_dom.microdata_headline(page.tree),
    )


def _language(page: PageSources) -> str | None:
    declared = [
        page.meta.html_lang,
        page.meta.first(("og:locale", "content-language", "language", "dc.language", "inlanguage")),
        *(a.language for a in page.articles[:1]),
    ]
    title_script = guess_from_text(page.meta.title or "")
    tag = next((t for t in map(normalize_tag, declared) if t), None)
    # A declaration contradicted by the <title>'s script (a CJK title on a page that says
    # lang="en", a common template default) is checked against the text.
    if tag and (title_script is None or title_script == tag or tag in ("zh", "ja", "ko")):
        return tag
    return guess_from_text(" ".join(page.text.lines[:60])) or tag


def _tags(page: PageSources) -> list[str]:
    tags = list(page.meta.all("article:tag"))
    for key in ("news_keywords", "keywords"):
        for value in page.meta.all(key)[:1]:
            tags.extend(
                part.strip() for part in value.replace("，", ",").split(",") if part.strip()
            )
        if tags:
            break
    if not tags:
        tags.extend(k for a in page.articles[:1] for k in a.keywords)
    return tags


def _hint_str(hints: Mapping[str, Any], key: str) -> str | None:
    value = hints.get(key)
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _hint_authors(hints: Mapping[str, Any]) -> list[str]:
    value = hints.get("authors") or hints.get("author")
    if isinstance(value, str):
        return split_names(value)
    if isinstance(value, list | tuple):
        return dedupe([n for item in value if isinstance(item, str) for n in split_names(item)])
    return []


def _hint_date(hints: Mapping[str, Any], context: DateContext) -> datetime | None:
    value = hints.get("published")
    if isinstance(value, datetime):
        return (
            value
            if value.tzinfo or context.default_tz is None
            else value.replace(tzinfo=context.default_tz)
        )
    if isinstance(value, str):
        return parse_date_value(value, context)
    return None
