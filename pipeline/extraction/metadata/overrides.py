"""Per-source metadata selectors (ExtractionOverrides.title/author/date_selector, date_format)."""

from __future__ import annotations

import logging
from datetime import datetime

from lxml.html import HtmlElement

from pipeline.sources import ExtractionOverrides

from .authors import dedupe, split_names
from .dates import DateContext, parse_date_value

logger = logging.getLogger(__name__)


def _select(tree: HtmlElement, selector: str | None) -> list[HtmlElement]:
    if not selector:
        return []
    from lxml.cssselect import CSSSelector  # only sources with overrides pay for cssselect

    try:
        return CSSSelector(selector)(tree)
    except Exception:  # cssselect raises several unrelated types for bad selectors
        logger.warning("ignoring invalid metadata selector %r", selector)
        return []


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def override_title(tree: HtmlElement, overrides: ExtractionOverrides) -> str | None:
    for element in _select(tree, overrides.title_selector):
        text = _text(element)
        if text:
            return text
    return None


def override_authors(tree: HtmlElement, overrides: ExtractionOverrides) -> list[str]:
    names = [
        n
        for element in _select(tree, overrides.author_selector)
        for n in split_names(_text(element))
    ]
    return dedupe(names)


def override_date(
    tree: HtmlElement, overrides: ExtractionOverrides, context: DateContext
) -> datetime | None:
    """The selected element's datetime/content attribute or text; ``date_format`` is strptime's."""
    for element in _select(tree, overrides.date_selector):
        value = element.get("datetime") or element.get("content") or _text(element)
        if not value:
            continue
        if overrides.date_format:
            try:
                return datetime.strptime(value.strip(), overrides.date_format)
            except ValueError:
                logger.debug("date %r does not match %r", value, overrides.date_format)
                continue
        parsed = parse_date_value(value, context)
        if parsed:
            return parsed
    return None
