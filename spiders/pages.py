"""Where a fetched page leads and what went wrong: next pages, headers, error kinds.

Pure functions over responses, URLs and failures, shared by the spiders and tested alone.
Whether a response is HTML is pipeline/sniffing.py's; the date in a URL is
extraction/metadata/dates.py's, which date_from_url here reads as UTC midnight.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from pipeline.extraction.metadata.dates import date_from_url as url_day

_NEXT_TEXT = re.compile(
    r"^\s*(下一页|下页|next(\s+page)?|more|older(\s+posts|\s+articles)?)\s*[>»›→]*\s*$", re.I
)
# Anchors/links that could be "next page" links, selected in C so the Python check below
# runs on a handful of elements instead of every link of the page (a superset of what
# _NEXT_TEXT and rel=next accept: the exact test is still made in Python).
_REL_NEXT = "contains(concat(' ', translate(normalize-space(@rel), 'NEXT', 'next'), ' '), ' next ')"
_LABEL = "translate(concat(., ' ', @title, ' ', @aria-label), 'NEXTMORLD', 'nextmorld')"
_NEXT_CANDIDATES = etree.XPath(
    f"//link[@href][{_REL_NEXT}]"
    f" | //a[@href][{_REL_NEXT} or contains({_LABEL}, 'next') or contains({_LABEL}, 'more')"
    f" or contains({_LABEL}, 'older') or contains({_LABEL}, '下一页') or contains({_LABEL}, '下页')]"
)
_PAGE_PARAMS = frozenset({"page", "p", "pg", "pn", "pagenum", "page_no", "pageno", "start"})
_PAGE_SUFFIX = re.compile(r"(?:[_-](?:p|page)?\d{1,3})(?=\.s?html?$)|/(?:page/)?\d{1,3}/?$", re.I)


def date_from_url(url: str) -> datetime | None:
    """The publication day written in an article URL, as a UTC midnight (crawl cutoffs are UTC).

    The rules are extraction's (``pipeline.extraction.metadata.dates``), so a spider and the
    metadata of the page it fetches read the same day from the same URL.
    """
    return url_day(url, UTC)


def header_dict(response: Response) -> dict[str, str]:
    """Response headers with lower-cased names; repeated headers joined with ', '."""
    return {
        key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def error_kind(failure: Failure) -> str | None:
    """The ``newsmill/errors/<kind>`` bucket for a failed request; None for no error."""
    named = getattr(failure.value, "error_kind", None)
    if isinstance(named, str):  # an error that names its bucket (pipeline.fetchguard)
        return named
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"http_{status // 100}xx"
    if failure.check(TimeoutError, TCPTimedOutError) or type(failure.value).__name__ in (
        "DownloadTimeoutError",
    ):
        return "timeout"
    if failure.check(DNSLookupError) or type(failure.value).__name__ == "CannotResolveHostError":
        return "dns"
    if failure.check(ConnectionRefusedError) or type(failure.value).__name__ in (
        "DownloadConnectionRefusedError",
        "ConnectionLost",
        "ResponseNeverReceived",
    ):
        return "connection"
    if type(failure.value).__name__ in ("DownloadCancelledError", "CancelledError"):
        return "too_large"
    if type(failure.value.__cause__).__name__ == "_DecompressionMaxSizeExceeded":
        # Content-Encoding that unpacks past DOWNLOAD_MAXSIZE (a gzip bomb): Scrapy's
        # HttpCompressionMiddleware ignores the request; it is still a page too large.
        return "too_large"
    if failure.check(IgnoreRequest):
        return None
    return "other"


def continuation_key(url: str) -> str:
    """``url`` without its page marker: ``/a/123_2.html`` and ``/a/123.html?page=3`` -> ``/a/123.html``."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _PAGE_PARAMS
    ]
    path = _PAGE_SUFFIX.sub("", parts.path) or "/"
    return urlunsplit(
        (parts.scheme, parts.netloc.lower(), path.rstrip("/") or "/", urlencode(query), "")
    )


def next_page_links(response: Response) -> list[str]:
    """Candidate "next page" URLs of a page: rel=next first, then links reading 下一页/Next."""
    if not isinstance(response, TextResponse):  # bytes without a text body link nowhere
        return []
    # Walk lxml's tree directly: selector objects per anchor cost ~2 ms on a news page.
    root = response.selector.root
    by_rel: list[str] = []
    by_text: list[str] = []
    for element in _NEXT_CANDIDATES(root):
        href = element.get("href")
        if not href:
            continue
        if "next" in (element.get("rel") or "").lower().split():
            by_rel.append(href)
        elif element.tag == "a":
            label = "".join(element.itertext()).strip()
            label = label or element.get("title") or element.get("aria-label") or ""
            if len(label) < 30 and _NEXT_TEXT.match(label):
                by_text.append(href)
    found = by_rel + by_text
    urls: list[str] = []
    for href in found:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(response.url, href).split("#", 1)[0]
        if url != response.url and url not in urls:
            urls.append(url)
    return urls


def next_article_page(response: Response) -> str | None:
    """The next page of a multi-page article, or None.

    Only a link that points to the same article with another page marker counts, so
    "下一篇"/"Next article" links and section pagination are never merged in.
    """
    own = continuation_key(response.url)
    for url in next_page_links(response):
        if continuation_key(url) == own:
            return url
    return None
