"""Is a response an HTML page? Decided from its Content-Type and its first bytes.

One rule for the spider (which skips non-HTML responses before building an item) and the
validate stage (which drops whatever still gets through), so the two never disagree.
"""

from __future__ import annotations

# Formats that servers mislabel as text/html (or label nothing at all), by their magic bytes.
_BINARY_MAGIC = (b"%pdf", b"\x89png", b"\xff\xd8\xff", b"gif8", b"pk\x03\x04", b"\x1f\x8b")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Types that may hold HTML and are decided by sniffing (XHTML is sometimes served as XML).
_SNIFFED_TYPES = ("application/octet-stream", "application/xml", "text/xml")
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<!--")


def looks_like_html(content_type: str | None, body: bytes) -> bool:
    """Whether ``body`` is an HTML page, given the response's Content-Type (or None).

    Sniffing wins over the header where they disagree: servers label PDFs and images
    text/html, and label HTML application/octet-stream.
    """
    head = body[:1024].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    if head.startswith(_BINARY_MAGIC):
        return False
    if head.startswith(b"<?xml") and b"<html" not in head:
        return False  # a feed or a sitemap
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in _HTML_TYPES:
        return True
    if kind and not (kind in _SNIFFED_TYPES or kind.startswith("text/")):
        return False
    return head.startswith(_HTML_STARTS) or b"<html" in head or b"<body" in body[:4096].lower()
