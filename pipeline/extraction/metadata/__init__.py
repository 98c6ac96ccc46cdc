"""Article metadata (title, authors, dates, language, …) from an unstripped page tree.

Sources are read in order of reliability: JSON-LD, meta tags, marked-up elements
(<h1>, <time>, author-classed elements), then the page's text lines near the headline.
The tree is only read, never changed, so the body extractor can strip it afterwards.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from pipeline.sources import ExtractionOverrides

from . import bylines, elements, headline_dom, jsonld, meta, pagetext, title
from .authors import dedupe, looks_like_url, split_names
from .dates import (
    DateContext,
    apply_default_tz,
    date_from_url,
    find_date_in_text,
    has_time,
    parse_date_value,
    zone_from_name,
)
from .language import guess_from_text, normalize_tag
from .overrides import override_authors, override_date, override_title

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


class _Page:
    """Everything read from the page once, shared by the field choosers.

    The page's text lines cost more than all other sources together, so they are built
    only when a field falls through to them (most pages with JSON-LD never need them).
    """

    def __init__(self, tree: HtmlElement, url: str | None, context: DateContext) -> None:
        self.tree = tree
        self.url = url
        self.context = context
        self.meta = meta.read_meta(tree)
        self.articles = jsonld.find_articles(jsonld.load_scripts(tree))

    @cached_property
    def text(self) -> pagetext.PageText:
        return pagetext.page_text(self.tree)

    @property
    def has_text(self) -> bool:
        return "text" in self.__dict__  # cached_property stores its value on the instance

    @cached_property
    def header(self) -> list[str]:
        return pagetext.header_lines(self.text)


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
    page = _Page(
        tree, url, DateContext(fetched_at=fetched_at, default_tz=zone_from_name(default_tz))
    )
    if overrides is not None:
        return _apply_overrides(_generic(page, hints), page, overrides)
    return _generic(page, hints)


def _apply_overrides(result: Metadata, page: _Page, overrides: ExtractionOverrides) -> Metadata:
    result.title = override_title(page.tree, overrides) or result.title
    result.authors = override_authors(page.tree, overrides) or result.authors
    published = override_date(page.tree, overrides, page.context)
    if published is not None:
        result.published = apply_default_tz(published, page.context)
    return result


def _generic(page: _Page, hints: Mapping[str, Any]) -> Metadata:
    url = page.url
    site_name = _site_name(page)
    language = _language(page)
    # 来源/责任编辑 lines are a Chinese convention; other pages skip building the text for them.
    chinese = language == "zh"
    result = Metadata(
        title=_title(page, site_name) or _hint_str(hints, "title"),
        authors=_authors(page, site_name) or _hint_authors(hints),
        published=_published(page) or _hint_date(hints, page.context),
        modified=_modified(page),
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


def _site_name(page: _Page) -> str | None:
    return _first_text(
        page.meta.first(("og:site_name", "application-name", "apple-mobile-web-app-title")),
        *(a.publisher for a in page.articles),
    )


def _title(page: _Page, site_name: str | None) -> str | None:
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


def _authors(page: _Page, site_name: str | None) -> list[str]:
    """The first source that names people; the site itself only when no source names a person.

    A name equal to the site, its publisher or its host counts as the site wherever it
    appears; other organisations (agencies such as dpa or AP) are real credits. When the
    page's rel=author links list the chosen names plus others (a JSON-LD list cut to one),
    the longer list wins.
    """
    orgs_known = {_name_key(n) for n in (site_name, *(a.publisher for a in page.articles)) if n}
    orgs_known |= {
        _name_key(name)
        for key in meta.PUBLISHER_KEYS
        for value in page.meta.all(key)
        if not looks_like_url(value)
        for name in _LIST_SEPARATOR.split(value)
        if name.strip()
    }
    host_keys = {_name_key(label) for label in _host_labels(page.url)} if page.url else set()
    orgs_known |= host_keys
    typed_orgs = {_name_key(p.name) for a in page.articles for p in a.authors if p.is_organization}
    organisations: list[str] = []
    agencies: list[str] = []
    chosen: list[str] = []
    for index, names in enumerate(_author_sources(page)):
        names = [_without_org_suffix(n, orgs_known) for n in names]
        people = [n for n in names if _name_key(n) not in orgs_known]
        if index >= _FIRST_PAGE_SOURCE:
            if agencies:
                break
            # In page text, "MDR THÜRINGEN" next to a writer is the site's desk, not a person.
            people = [n for n in people if not any(_name_key(w) in host_keys for w in n.split())]
        if people and index == 0 and all(_name_key(n) in typed_orgs for n in people):
            # JSON-LD credits only an agency: a person in the meta tags wins, page text does not
            # (its author elements are too often teasers to overrule structured data).
            agencies = people
            continue
        if people:
            chosen = dedupe(_without_site_domains(people))
            break
        if names and not organisations:
            organisations = names
    if agencies and not chosen:
        chosen = dedupe(agencies)
    if not chosen and organisations:
        # The publisher credits only itself: a bold name opening or closing the text is
        # the writer's signature (read only here, where the page is known to have an author).
        chosen = elements.signature_names(page.tree)
    if not chosen:
        return dedupe(organisations)
    chosen_keys = {_name_key(n) for n in chosen}
    linked = _split_all(page.meta.author_links[:6])
    if chosen_keys < {_name_key(n) for n in linked}:
        return dedupe(linked)
    return chosen


_LIST_SEPARATOR = re.compile(r"[,，、;；]")
_SUFFIX_SEPARATOR = re.compile(r"\.\s+|\s+[|–—-]\s+|\s*,\s*")


def _without_org_suffix(name: str, orgs_known: set[str]) -> str:
    """'Finian Cunningham. Sputnik International' → 'Finian Cunningham' when the tail is the site."""
    parts = _SUFFIX_SEPARATOR.split(name)
    if len(parts) == 2 and _name_key(parts[1]) in orgs_known and _name_key(parts[0]):
        return parts[0].strip()
    return name


_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne"})


def _host_labels(url: str) -> list[str]:
    """The host and the labels that name the site: edition.cnn.com → cnn, bbc.co.uk → bbc."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    labels = host.split(".")
    names = [host, labels[0]]
    if len(labels) >= 2:
        names.append(labels[-3] if labels[-2] in _SECOND_LEVEL and len(labels) >= 3 else labels[-2])
    return names


def _name_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


_DOMAIN = re.compile(r"\w\.(?:com|net|org|de|co|uk|at|ch|fr|es|it)\b", re.IGNORECASE)


def _without_site_domains(names: list[str]) -> list[str]:
    """Drop "Cleveland.com" / "NJ Advance Media for NJ.com" next to a person's name."""
    kept = [n for n in names if not _DOMAIN.search(n)]
    return kept or names


def _split_all(values: tuple[str, ...] | list[str], *, structured: bool = False) -> list[str]:
    return [n for value in values for n in split_names(value, structured=structured)]


def _names_generator(value: str, generator: str | None) -> bool:
    """An author meta left by the site's software: "Discuz! Team" beside generator "Discuz!
    X3.4", "大汉网络" beside "大汉版通" (the vendor's name opens both)."""
    if not generator:
        return False
    if _CJK_START.match(value) and _CJK_START.match(generator):
        return value[:2] == generator[:2]
    value_word, generator_word = value.split()[:1], generator.split()[:1]
    key = _name_key(generator_word[0]) if generator_word else ""
    return len(key) >= 3 and bool(value_word) and _name_key(value_word[0]) == key


_CJK_START = re.compile(r"[\u4e00-\u9fff]{2}")
_FIRST_PAGE_SOURCE = 2  # _author_sources yields JSON-LD and meta first, then page elements


def _author_sources(page: _Page) -> Iterator[list[str]]:
    """Author names per source, strongest source first, computed lazily."""
    for article in page.articles:
        if article.authors:
            usable = [p.name for p in article.authors if not looks_like_url(p.name)]
            yield _split_all(usable, structured=True)
            break
    host = (urlsplit(page.url).hostname or "").removeprefix("www.") if page.url else ""
    generator = page.meta.first(("generator",))
    meta_values = [
        value
        for key in meta.AUTHOR_KEYS
        for value in page.meta.all(key)
        # "Deutsche Welle (www.dw.com)" names the site, not a writer.
        if value
        and not looks_like_url(value)
        and not value.startswith("@")
        and not (host and host in value.lower())
        and not _names_generator(value, generator)
    ]
    yield _split_all(meta_values[:3], structured=True)
    yield _split_all(page.meta.author_links[:6])
    yield elements.byline_elements(page.tree)
    # With an <h1>, the header starts 5 lines above it: "By …" must come within 15 after it.
    yield bylines.text_byline(page.header, 20 if page.text.headline_index >= 0 else None)
    yield bylines.labelled_author(list(page.text.lines))
    yield bylines.bracketed_byline(page.header)
    yield bylines.posted_by(page.text.lines)
    yield bylines.closing_credit(page.text.lines)
    yield bylines.standalone_names(page.header)
    yield bylines.editor_names(page.text.lines)


def _date_candidates(page: _Page) -> Iterator[datetime]:
    context = page.context
    for article in page.articles:
        if article.published:
            parsed = parse_date_value(article.published, context)
            if parsed:
                yield parsed
    for key in meta.PUBLISHED_KEYS:
        for value in page.meta.all(key):
            parsed = parse_date_value(value, context, allow_fuzzy=key != "date")
            if parsed:
                yield parsed
    yield from _time_elements(
        page,
        ("datepublished", "pubdate", "published", "publish", "date"),
        exclude=("update", "modif"),
    )
    marked = (*elements.dated_elements(page.tree), *bylines.labelled_date_lines(page.text.lines))
    for line in marked:
        parsed = find_date_in_text(line, context, relative=False)
        if parsed:
            yield parsed
    # Unlabelled lines: a date with a time beats a date alone (archive calendars,
    # captions), and absolute dates beat relative ones ("3小时前", "04-01 10:03").
    lines = pagetext.short_lines(page.header)
    found = [find_date_in_text(line, context, relative=False) for line in lines]
    yield from (d for d in found if d and has_time(d))
    yield from (d for d in found if d and not has_time(d))
    for line in (*marked, *lines):
        parsed = find_date_in_text(line, context, relative=True)
        if parsed:
            yield parsed
    from_url = date_from_url(page.url)
    if from_url:
        yield from_url


def _time_elements(
    page: _Page,
    markers: tuple[str, ...],
    *,
    exclude: tuple[str, ...] = (),
    marked_only: bool = False,
) -> Iterator[datetime]:
    """<time datetime> values, those marked as publish times first."""
    marked: list[datetime] = []
    plain: list[datetime] = []
    for element in page.tree.iter("time"):
        value = element.get("datetime") or element.get("content")
        parsed = parse_date_value(value, page.context, allow_fuzzy=False) if value else None
        if parsed is None:
            parsed = find_date_in_text(" ".join(element.text_content().split()), page.context)
        if parsed is None:
            continue
        attrs = " ".join(
            (
                element.get("itemprop") or "",
                element.get("class") or "",
                "pubdate" if "pubdate" in element.attrib else "",
            )
        ).lower()
        is_marked = any(m in attrs for m in markers) and not any(m in attrs for m in exclude)
        (marked if is_marked else plain).append(parsed)
    yield from marked
    if not marked_only:
        yield from plain


def _published(page: _Page) -> datetime | None:
    """The first candidate; a date-only one borrows the time of a later same-day candidate."""
    first: datetime | None = None
    for candidate in _date_candidates(page):
        if first is None:
            first = candidate
            if has_time(first):
                break
        elif has_time(candidate) and candidate.date() == first.date():
            first = candidate
            break
    return apply_default_tz(first, page.context) if first else None


def _modified(page: _Page) -> datetime | None:
    for article in page.articles:
        if article.modified:
            parsed = parse_date_value(article.modified, page.context)
            if parsed:
                return apply_default_tz(parsed, page.context)
    for key in meta.MODIFIED_KEYS:
        for value in page.meta.all(key):
            parsed = parse_date_value(value, page.context, allow_fuzzy=False)
            if parsed:
                return apply_default_tz(parsed, page.context)
    found = next(
        _time_elements(page, ("datemodified", "updated", "modified"), marked_only=True), None
    )
    # "Updated …" lines are read only when another field already needed the page text:
    # building it just for a modified time would double the cost of most pages.
    if found is None and page.has_text:
        for line in bylines.labelled_date_lines(page.text.lines, bylines.UPDATED_LABEL):
            found = find_date_in_text(line, page.context, relative=False)
            if found:
                break
    return apply_default_tz(found, page.context) if found else None


def _language(page: _Page) -> str | None:
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


def _tags(page: _Page) -> list[str]:
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
