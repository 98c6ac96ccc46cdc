"""Items passed between stages: the contract spider -> validate -> strip+extract -> dedup -> store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy stays out of processes that only read items
    from pipeline.dedup.minhash import StorySignature


@dataclass(frozen=True, slots=True)
class Image:
    """An image that belongs to the article body (not a logo or an ad)."""

    src: str
    caption: str | None = None
    alt: str | None = None


@dataclass(slots=True)
class Article:
    """What extraction makes of one page. Pure data, JSON-ready through ``to_dict``."""

    url: str | None = None
    title: str | None = None
    text: str = ""  # paragraphs separated by blank lines
    html: str = ""  # sanitized body HTML (nh3)
    lead: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None  # aware when the page or source gives a zone
    modified: datetime | None = None
    language: str | None = None
    images: list[Image] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    source_name: str | None = None  # e.g. the page's 来源 line
    credits: list[str] = field(default_factory=list)  # 责任编辑, 题图来源 … kept out of the body
    word_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("published", "modified"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        return data


@dataclass(slots=True)
class PageItem:
    """A fetched page on its way through the item pipelines.

    The spider fills the fetch fields; later stages fill ``article``, ``canonical_url``
    and the fingerprints. ``hints`` carries what discovery already knows (a feed entry's
    title, date, authors, image) for extraction to use when the page itself is silent.
    """

    url: str  # final URL after redirects
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    request_url: str | None = None
    fetched_at: datetime | None = None
    source: str | None = None  # source name from sources/*.yaml
    spider: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)
    article: Article | None = None
    canonical_url: str | None = None
    url_keys: list[str] = field(default_factory=list)  # canonical forms of every URL seen
    content_hash: str | None = None
    simhash: int | None = None
    story: StorySignature | None = None  # MinHash + LSH band keys (pipeline.dedup.minhash)
