"""Article metadata (title, authors, dates, language, …) from an unstripped page tree.

Interface stub: replaced by the real implementation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement


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
) -> Metadata:
    """Read metadata from the whole page (JSON-LD, meta tags, <time>, bylines). Never mutates tree."""
    titles = tree.xpath("//title/text()")
    return Metadata(title=titles[0].strip() if titles else None)
