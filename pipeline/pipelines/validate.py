"""Validate stage: only non-empty HTML pages with a 200 go on to cleaning."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler

from pipeline.errors import EmptyBody, HttpError, NotHtml, TooLarge
from pipeline.items import PageItem

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
# Bytes that start binary formats a server may mislabel as text/html.
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    """Content-Type when it is decisive, else sniff the first bytes."""
    head = body[:1024].lstrip()
    if head.startswith(_BINARY_MAGIC):
        return False
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and not mime.startswith(_HTML_TYPES):
        return False
    if mime.startswith(("text/html", "application/xhtml+xml")):
        return True
    return (
        b"<html" in head.lower()
        or b"<!doctype html" in head.lower()
        or b"<body" in body[:4096].lower()
    )


class ValidatePipeline:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(max_bytes=crawler.settings.getint("DOWNLOAD_MAXSIZE") or 10 * 1024 * 1024)

    def process_item(self, item: PageItem) -> PageItem:
        if item.status != 200:
            raise HttpError(f"HTTP {item.status} for {item.url}")
        if not item.body.strip():
            raise EmptyBody(f"empty body at {item.url}")
        if len(item.body) > self.max_bytes:
            raise TooLarge(f"{len(item.body)} bytes at {item.url}")
        if not looks_like_html(item.body, item.headers.get("content-type")):
            raise NotHtml(f"{item.headers.get('content-type') or 'unknown type'} at {item.url}")
        return item
