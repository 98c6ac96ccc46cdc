"""<meta>, <link> and <html lang> values of a page, gathered in one pass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

AUTHOR_LINKS = etree.XPath("//a[@rel and contains(@rel, 'author')]")

# Meta names (lower case) that carry the publish date, strongest first.
PUBLISHED_KEYS: tuple[str, ...] = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "og:published_time",
    "published_time",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "date",
    "article_date_original",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "displaydate",
    "datecreated",
    "created",
    "firstpublishedtime",
)
MODIFIED_KEYS: tuple[str, ...] = (
    "article:modified_time",
    "og:article:modified_time",
    "datemodified",
    "og:updated_time",
    "modified_time",
    "article.updated",
    "dc.date.modified",
    "dcterms.modified",
    "lastmod",
    "last-modified",
    "lastmodified",
)
AUTHOR_KEYS: tuple[str, ...] = (
    "author",
    "article:author",
    "og:article:author",
    "article:author_name",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "cxenseparse:author",
    "byline",
    "twitter:creator",
    # Google Scholar tags of journal and report pages.
    "citation_author",
    "citation_authors",
)
# Publisher names: an "author" meta value equal to one of these credits the house, not a person.
PUBLISHER_KEYS: tuple[str, ...] = (
    "dc.publisher",
    "dcterms.publisher",
    "citation_publisher",
    "publisher",
)
TITLE_KEYS: tuple[str, ...] = (
    "og:title",
    "twitter:title",
    "parsely-title",
    "sailthru.title",
    "dc.title",
    "headline",
    "title",
)


@dataclass(frozen=True, slots=True)
class PageMeta:
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    canonical: str | None = None
    author_links: tuple[str, ...] = ()  # text of <a rel=author>
    html_lang: str | None = None
    title: str | None = None  # <title>

    def first(self, keys: Iterable[str]) -> str | None:
        for key in keys:
            for value in self.values.get(key, ()):
                if value:
                    return value
        return None

    def all(self, key: str) -> tuple[str, ...]:
        return self.values.get(key, ())


def read_meta(tree: HtmlElement) -> PageMeta:
    """Collect meta name/property/itemprop/http-equiv values (lower-cased keys), links and lang."""
    values: dict[str, list[str]] = {}
    canonical: str | None = None
    author_links: list[str] = []
    title: str | None = None
    for element in tree.iter("meta", "link", "title"):
        tag = element.tag
        if tag == "meta":
            content = element.get("content")
            if content is None:
                # Microdata on non-meta-looking tags: <meta itemprop=datePublished datetime=…>
                content = element.get("datetime") or element.get("value")
            if content is None:
                continue
            content = " ".join(content.split())
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = element.get(attr)
                if key:
                    values.setdefault(key.strip().lower(), []).append(content)
        elif tag == "link":
            rel = (element.get("rel") or "").lower().split()
            if "canonical" in rel and canonical is None and element.get("href"):
                canonical = element.get("href").strip()
        elif (
            tag == "title"
            and title is None
            # The first <title> outside <svg>: inline icons carry their own.
            and not any(a.tag == "svg" for a in element.iterancestors())
        ):
            title = " ".join(element.text_content().split()) or None
    # XPath filters in C: visiting every <a> from Python costs more than all meta tags.
    for element in AUTHOR_LINKS(tree):
        if "author" in (element.get("rel") or "").lower().split():
            text = " ".join(element.text_content().split())
            if text:
                author_links.append(text)
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    lang = (
        root.get("lang")
        or root.get("xml:lang")
        or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    )
    return PageMeta(
        values={key: tuple(items) for key, items in values.items()},
        canonical=canonical,
        author_links=tuple(author_links),
        html_lang=lang.strip() if lang else None,
        title=title,
    )
