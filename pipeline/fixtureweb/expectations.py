"""What a correct crawl of the fixture web must store and count: the manifest's record types."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.fixtureweb.stories import Story


@dataclass(frozen=True, slots=True)
class ExpectedArticle:
    """One article a full crawl of its site must store (exactly once)."""

    site: str
    path: str  # the plain URL path (what canonicalization should arrive at)
    title: str
    published: datetime  # aware, with the page's offset
    authors: tuple[str, ...]
    sentence: str  # a body sentence found in this article and nowhere else
    language: str
    section: str
    modified: datetime | None = None
    lead: str | None = None
    # The body as a reader sees it (version 0, every page): blocks separated by blank lines.
    text: str = ""
    # Other paths on the same site that serve this article (tracking parameters, redirects).
    other_paths: tuple[str, ...] = ()
    pages: int = 1  # >1: a multi-page article, merged into one stored article
    page_sentences: tuple[str, ...] = ()  # a distinctive sentence from each later page
    changes_on_advance: bool = False  # its text changes after FixtureWeb.advance()
    sentence_after_advance: str | None = None
    modified_after_advance: datetime | None = None
    # When this republishes another site's article with the same body: (site, path).
    duplicate_of: tuple[str, str] | None = None
    # When it republishes one with an edit (stored, marked near_duplicate_of): (site, path).
    near_duplicate_of: tuple[str, str] | None = None
    # The first request fails with this status (500, 429) and a retry succeeds.
    first_status: int | None = None
    declared_charset: str | None = None  # when the declared charset is wrong
    in_feeds: bool = True
    in_sitemaps: bool = True

    @classmethod
    def from_story(cls, site: str, story: Story, language: str, **extra: Any) -> ExpectedArticle:
        """What a site's ``story`` must be stored as; ``extra`` sets the site-specific fields."""
        from pipeline.fixtureweb.markup import body_text

        fields: dict[str, Any] = {
            "site": site,
            "path": story.path,
            "title": story.title,
            "published": story.published,
            "authors": story.authors,
            "sentence": story.sentence,
            "language": language,
            "section": story.section,
            "lead": story.lead,
            "text": body_text(story.blocks),
        }
        return cls(**{**fields, **extra})


@dataclass(frozen=True, slots=True)
class ErrorURL:
    """A URL that must not become an article, and what a crawl should count it as."""

    site: str
    path: str
    kind: str  # not_found | server_error | timeout | too_large | non_html | malformed_feed | redirect | disallowed
    expect: str  # the outcome in words a test can match on (see README)
    status: int | None = None  # the HTTP status the server answers with (None: no answer in time)
    target: str | None = None  # redirects: the path they lead to
    linked_from: tuple[str, ...] = ()  # paths of pages (or feeds/sitemaps) that link here


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """The same article reachable at two URLs; it must be stored once with both URLs recorded.

    Except kind "near": an edited copy, stored as its own article that points at the original.
    """

    # "url" (tracking parameters), "redirect" (a redirecting URL), "content" (republished)
    # or "near" (republished with an added paragraph)
    kind: str
    original: tuple[str, str]  # (site, path)
    copy: tuple[str, str]  # (site, path and query)


@dataclass(frozen=True, slots=True)
class SiteManifest:
    name: str
    title: str
    language: str
    encoding: str  # what the article bytes are encoded in
    timezone: str  # IANA zone of naive times on the site
    articles: tuple[ExpectedArticle, ...]
    section_pages: tuple[str, ...] = ()  # every index page, all pagination pages included
    sections: tuple[str, ...] = ()  # first page of each section (start points)
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()  # start points: robots.txt Sitemap: lines / indexes
    robots_disallow: tuple[str, ...] = ()
    chrome_strings: tuple[str, ...] = ()  # must never appear in any stored article of the site
    errors: tuple[ErrorURL, ...] = ()
    home: str = "/"
    extra: dict[str, Any] = field(default_factory=dict)

    def article(self, path: str) -> ExpectedArticle:
        for article in self.articles:
            if article.path == path:
                return article
        raise KeyError(f"{self.name} has no expected article at {path}")


def as_jsonable(value: Any) -> Any:
    """Dataclasses, datetimes and tuples as plain JSON values."""
    if hasattr(value, "__dataclass_fields__"):
        return as_jsonable(asdict(value))
    if isinstance(value, dict):
        return {k: as_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
