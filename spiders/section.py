"""Section spider: crawl configured section/index pages and follow links that look like articles.

``scrapy crawl section -a source=NAME`` or ``-a sections=URL1,URL2``. Pagination (rel=next,
"Next page", 下一页) is followed up to NEWSMILL_MAX_SECTION_PAGES pages per start section
(and the source's max_depth).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response

from pipeline.crawlstate import ArticleCandidate
from spiders.base import META_DEPTH, NewsSpider, split_arg
from spiders.pages import next_page_links

# A date in the path: /2026/11/24/, /2026-11/24/, /20261124/, /2026-11-24-
_DATE_IN_PATH = re.compile(
    r"/(?:19|20)\d{2}(?:[-/_]?)(?:0?[1-9]|1[0-2])(?:[-/_]?)(?:0?[1-9]|[12]\d|3[01])(?:[/_-]|\.|$)"
    r"|/(?:19|20)\d{2}[-/](?:0?[1-9]|1[0-2])/"
)
# A numeric id in the last path segment: content_123456.htm, /stories/1042-slug, /a/98765.html
_ID_IN_SEGMENT = re.compile(r"(?:^|[_-])\d{4,}(?:[_.-]|$)|^\d{3,}(?:[_.-]|$)")
# A slug of several words: /news/ministers-agree-on-new-budget-rules
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){3,}(?:\.s?html?)?$", re.I)
# An article id in the query: detail?id=123456, show.php?aid=8812, ?p=4521 (WordPress)
_ID_IN_QUERY = re.compile(
    r"(?:^|&)(?:id|aid|article_?id|news_?id|doc_?id|content_?id|story_?id|p)=\d{3,}(?:&|$)", re.I
)
_NOT_ARTICLE_PATH = re.compile(
    r"/(?:tag|tags|topic|topics|author|authors|category|categories|channel|section|search|"
    r"login|signin|register|subscribe|account|page)(?:/|$)|/index(?:_\d+)?\.s?html?$",
    re.I,
)
_NOT_ARTICLE_EXT = re.compile(
    r"\.(?:pdf|jpe?g|png|gif|webp|svg|zip|rar|gz|mp3|mp4|avi|mov|docx?|xlsx?|pptx?|xml|rss|json)$",
    re.I,
)
_CJK = re.compile(r"[\u3400-\u9fff]")


def looks_like_article_url(url: str, patterns: tuple[str, ...] = ()) -> bool:
    """Judge an URL alone: a date, a numeric id (path or query) or a long slug; nothing index-like.

    ``patterns`` (the source's article_patterns) replace the generic rules when given.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if patterns:
        return any(re.search(p, url) for p in patterns)
    if _NOT_ARTICLE_EXT.search(path) or _NOT_ARTICLE_PATH.search(path):
        return False
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(
        _DATE_IN_PATH.search(path)
        or _ID_IN_SEGMENT.search(segment)
        or _SLUG.match(segment)
        or _ID_IN_QUERY.search(parts.query)
    )


def link_text_ok(text: str) -> bool:
    """A headline-like link text: at least 4 CJK characters or 12 other characters."""
    text = " ".join(text.split())
    if _CJK.search(text):
        return len(_CJK.findall(text)) >= 4
    return len(text) >= 12


def article_links(response: Response, patterns: tuple[str, ...] = ()) -> list[ArticleCandidate]:
    """Links of a section page that look like articles, in page order, one per URL.

    A URL qualifies when it matches the source's article_patterns, or else when it looks
    like an article and one of its anchors has headline-like text (or a title attribute);
    "Read more" and image-only links then ride on the headline.
    """
    texts: dict[str, str] = {}
    for anchor in response.xpath("//a[@href]"):
        href = anchor.attrib["href"].strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(response.url, href).split("#", 1)[0]
        text = " ".join(" ".join(anchor.xpath(".//text()").getall()).split())
        label = text or anchor.attrib.get("title", "")
        if len(label) > len(texts.get(url, "")):
            texts[url] = label
        else:
            texts.setdefault(url, "")
    return [
        ArticleCandidate(url, {"via": "section", "title": text} if text else {"via": "section"})
        for url, text in texts.items()
        if url != response.url and is_article_link(url, text, patterns)
    ]


def is_article_link(url: str, text: str, patterns: tuple[str, ...] = ()) -> bool:
    """Does a section page's link lead to an article?

    A source's article_patterns are the site's own word and decide alone: its section
    links may read "Story 3", "Video" or a date. Without them, the URL must look like an
    article's and the link text like a headline.
    """
    if patterns:
        return looks_like_article_url(url, patterns)
    return looks_like_article_url(url) and link_text_ok(text)


class SectionMixin:
    """Section-page discovery; mixed into NewsSpider subclasses."""

    def __init__(self, *args: Any, sections: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections_arg = split_arg(sections)

    def adhoc_start_points(self) -> dict[str, tuple[str, ...]]:
        points = super().adhoc_start_points()  # type: ignore[misc]
        if self.sections_arg:
            points["sections"] = self.sections_arg
        return points

    def parse_section(self, response: Response) -> Iterator[Any]:
        spider: NewsSpider = self  # type: ignore[assignment]
        depth = response.meta.get(META_DEPTH, 0)
        candidates = article_links(response, spider.config.article_patterns)
        spider.crawler.stats.inc_value("newsmill/section/pages")
        spider.crawler.stats.inc_value("newsmill/section/links", len(candidates))
        yield from spider.article_requests(candidates, depth=depth + 1)
        max_depth = spider.config.limits.max_depth
        if depth + 1 >= spider.max_section_pages or (
            max_depth is not None and depth + 1 > max_depth
        ):
            return
        article_urls = {c.url for c in candidates}
        for url in next_page_links(response):
            if spider.on_site(url) and url not in article_urls:
                spider.crawler.stats.inc_value("newsmill/section/pagination")
                yield spider.index_request(url, "section", self.parse_section, depth=depth + 1)
                return


class SectionSpider(SectionMixin, NewsSpider):
    name = "section"
    start_kinds = ("sections",)
