"""Article extraction: bytes + URL in, an Article out.

Two stages, so the Scrapy pipelines can count and drop between them:
``prepare_page`` decodes, parses (lxml), reads metadata from the unstripped tree and strips
chrome; ``extract_article`` finds the body and builds the Article. ``extract`` runs both.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipeline.cleaning import DEFAULT_RULES, ChromeRules, StripReport, source_patterns, strip_chrome
from pipeline.extraction.blocks import Block, segment
from pipeline.extraction.body import BodyOptions, select_body
from pipeline.extraction.errors import (
    EmptyDocumentError,
    ExtractionError,
    NotHtmlError,
    UndecodableError,
)
from pipeline.extraction.metadata import Metadata, extract_metadata
from pipeline.extraction.output import BodyOutput, build_output, web_url
from pipeline.extraction.parse import ParseLimits, parse_html
from pipeline.extraction.scriptdata import collect_script_data, script_article
from pipeline.items import Article
from pipeline.sources import ExtractionOverrides, SourceConfig

logger = logging.getLogger(__name__)

__all__ = [
    "EmptyDocumentError",
    "ExtractionError",
    "NotHtmlError",
    "PreparedPage",
    "UndecodableError",
    "extract",
    "extract_article",
    "prepare_page",
]


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """A decoded, parsed page with its metadata read and its chrome stripped."""

    url: str | None
    root: HtmlElement  # stripped tree; extraction reads it, nothing else should
    encoding: str
    metadata: Metadata
    base_url: str | None
    stripped: StripReport
    # Raw JSON of scripts that may carry the article (client-rendered pages), read before
    # stripping removes the scripts; used only when the DOM yields next to no text.
    script_data: tuple[str, ...] = ()


def _content_type(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            return value
    return None


def _rules_for(source: SourceConfig | None) -> ChromeRules:
    if source and source.extraction.drop_patterns:
        return dataclasses.replace(
            DEFAULT_RULES, extra_line_patterns=source_patterns(source.extraction.drop_patterns)
        )
    return DEFAULT_RULES


def _base_url(root: HtmlElement, url: str | None) -> str | None:
    base = root.find(".//base[@href]")
    if base is not None:
        href = (base.get("href") or "").strip()
        if href.startswith(("http://", "https://")):
            return href
    return url


def prepare_page(
    html: bytes,
    url: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    source: SourceConfig | None = None,
    fetched_at: datetime | None = None,
    hints: Mapping[str, Any] | None = None,
    limits: ParseLimits | None = None,
) -> PreparedPage:
    """Decode, parse, read metadata from the whole page, then strip chrome.

    Raises NotHtmlError, EmptyDocumentError or UndecodableError (all ExtractionError).
    """
    root, encoding = parse_html(html, _content_type(headers), limits, url)
    base_url = _base_url(root, url)
    metadata = extract_metadata(
        root,
        url,
        fetched_at=fetched_at,
        default_tz=source.timezone if source else None,
        hints=hints,
    )
    overrides = source.extraction if source else None
    script_data = collect_script_data(root)
    report = strip_chrome(root, _rules_for(source), overrides)
    return PreparedPage(url, root, encoding, metadata, base_url, report, script_data)


def _blocks_from_selectors(root: HtmlElement, overrides: ExtractionOverrides) -> list[Block]:
    for selector in overrides.body_selectors:
        try:
            matches = CSSSelector(selector)(root)
        except Exception:
            logger.warning("ignoring invalid body selector %r", selector)
            continue
        blocks = [block for element in matches for block in segment(element)]
        if any(block.chars for block in blocks):
            return blocks
    return []


# Below this much DOM text the page may be a client-rendered shell: its script data is read.
_SCRIPT_FALLBACK_CHARS = 1500


def _script_output(
    page: PreparedPage,
    dom: BodyOutput,
    rules: ChromeRules,
    title: str | None,
    options: BodyOptions | None,
) -> BodyOutput | None:
    """The article from the page's script data, when it holds over twice the DOM's text."""
    element = script_article(page.script_data)
    if element is None:
        return None
    kept = select_body(segment(element), element, rules, title, options, find_container=False)
    output = build_output([item.block for item in kept], page.base_url)
    return output if len(output.text) > 2 * len(dom.text) + 200 else None


def extract_article(
    page: PreparedPage,
    *,
    source: SourceConfig | None = None,
    fetched_at: datetime | None = None,
    hints: Mapping[str, Any] | None = None,
    options: BodyOptions | None = None,
) -> Article:
    """Find the body in a prepared page and build the Article.

    Metadata (dates included) was read in ``prepare_page``, which is where ``fetched_at`` and
    ``hints`` resolve relative dates and fill gaps; here ``hints`` only fills a title, authors
    or a date the page did not give, and ``fetched_at`` is accepted so both stages share one
    call shape.
    """
    rules = _rules_for(source)
    meta = page.metadata
    body = page.root.find("body")
    scope = body if body is not None else page.root
    blocks: list[Block] = []
    if source and source.extraction.body_selectors:
        blocks = _blocks_from_selectors(scope, source.extraction)
        if not blocks:
            logger.info("no body selector of %s matched %s; using the generic finder",
                        source.name, page.url)  # fmt: skip
    if blocks:
        kept = select_body(blocks, page.root, rules, meta.title, options, find_container=False)
    else:
        kept = select_body(segment(scope), scope, rules, meta.title, options)
    output = build_output([item.block for item in kept], page.base_url)
    if page.script_data and len(output.text) < _SCRIPT_FALLBACK_CHARS:
        output = _script_output(page, output, rules, meta.title, options) or output
    hints = hints or {}
    return Article(
        url=page.url,
        title=meta.title or hints.get("title"),
        text=output.text,
        html=output.html,
        lead=output.lead or meta.description,
        authors=list(meta.authors) or list(hints.get("authors") or []),
        published=meta.published or hints.get("published"),
        modified=meta.modified,
        language=meta.language or (source.language if source else None),
        images=output.images,
        categories=list(meta.categories),
        tags=list(meta.tags),
        canonical_url=web_url(meta.canonical_url),
        source_name=meta.source_name,
        credits=list(meta.credits),
        word_count=output.word_count,
    )


def extract(
    html: bytes,
    url: str | None = None,
    *,
    source: SourceConfig | None = None,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    hints: Mapping[str, Any] | None = None,
) -> Article:
    """Extract the article from a page's raw bytes. Pure: no network, no crawler."""
    page = prepare_page(
        html, url, headers=headers, source=source, fetched_at=fetched_at, hints=hints
    )
    return extract_article(page, source=source, fetched_at=fetched_at, hints=hints)
