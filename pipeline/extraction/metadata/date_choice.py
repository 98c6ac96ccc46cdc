"""Which of the page's dates is the publish time, and which the last modification.

Candidates come strongest first: JSON-LD, meta tags, marked <time> elements, elements and
lines labelled as dates, unlabelled short lines near the headline, and last the URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from . import bylines, elements, meta, pagetext
from .dates import (
    apply_default_tz,
    date_from_url,
    find_date_in_text,
    has_time,
    parse_date_value,
)
from .page import PageSources


def choose_published(page: PageSources) -> datetime | None:
    """The first candidate; a date-only one borrows the time of a later same-day candidate."""
    first: datetime | None = None
    for candidate in _published_candidates(page):
        if first is None:
            first = candidate
            if has_time(first):
                break
        elif has_time(candidate) and candidate.date() == first.date():
            first = candidate
            break
    return apply_default_tz(first, page.context) if first else None


def choose_modified(page: PageSources) -> datetime | None:
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


def _published_candidates(page: PageSources) -> Iterator[datetime]:
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
    # captions), and absolute dates beat relative ones ("3小时前", "04-01 10:03"). Lines
    # under the headline come before those above it, where portals print today's date.
    lines = [line for line in _below_headline_first(page) if not _TODAY.search(line)]
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


# Today's date as a site's header prints it, labelled so: "今天是2022年2月14日 星期一".
_TODAY = re.compile(
    r"今天是|今日是|今天：|今日：|当前日期|当前时间|现在时间|\btoday is\b", re.IGNORECASE
)


def _below_headline_first(page: PageSources) -> list[str]:
    """The short header lines, those from the <h1> down first (the header starts up to
    ``HEADER_BEFORE`` lines above it)."""
    header = page.header
    at = min(page.text.headline_index, pagetext.HEADER_BEFORE)
    if at > 0:
        header = header[at:] + header[:at]
    return pagetext.short_lines(header)


def _time_elements(
    page: PageSources,
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
