"""looks_like_html: the one rule the spider and the validate stage share."""

from __future__ import annotations

import pytest

from pipeline.sniffing import looks_like_html

HTML = b"<!doctype html><html><head><title>x</title></head><body><p>Hello</p></body></html>"


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=utf-8", HTML, True),
        ("text/html; charset=gbk", b"<!DOCTYPE html><html>", True),
        (None, HTML, True),
        ("application/octet-stream", b"  <html><head>", True),  # mislabelled HTML
        ("application/xhtml+xml", b"  <html><body>x</body></html>", True),
        ("application/xml", b"<?xml version='1.0'?><html xmlns='x'><body/></html>", True),
        ("text/plain", b"\xef\xbb\xbf<!-- generated --><html>", True),  # BOM, comment first
        (None, b"<div>x</div>" * 3 + b"<body><p>late body tag</p></body>", True),
        ("text/html", b"%PDF-1.4 mislabelled", False),
        ("application/pdf", b"%PDF-1.7", False),
        ("application/pdf", HTML, False),  # the header is decisive for non-text types
        ("image/jpeg", b"\xff\xd8\xff\xe0", False),
        (None, b"\x89PNG\r\n\x1a\n....", False),
        ("text/html", b"\x1f\x8b\x08\x00 gzip bytes", False),
        ("application/xml", b"<?xml version='1.0'?><rss>", False),  # a feed
        ("text/xml", b"<?xml version='1.0'?><urlset>", False),  # a sitemap
        (None, b"just some text without markup", False),
    ],
)
def test_looks_like_html(content_type: str | None, body: bytes, expected: bool) -> None:
    assert looks_like_html(content_type, body) is expected
