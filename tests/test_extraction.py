"""Tests for pipeline.extraction: decoding, body extraction, rendering and golden pages."""

from __future__ import annotations

import codecs

import pytest

from pipeline.extraction.encoding import decode_html, normalize_charset

ZH = "上海疫情防控，已到最为吃劲、最为关键的时刻。毫无疑问，这座城市正在经历一场大考。"


def _page(body: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("ISO-8859-1", "cp1252"),
        ("utf8", "utf-8"),
        ("no-such-charset", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


def test_bom_wins_over_declarations() -> None:
    body = codecs.BOM_UTF8 + _page(ZH, '<meta charset="gbk">').encode("utf-8")
    text, encoding = decode_html(body, "text/html; charset=iso-8859-1")
    assert encoding == "utf-8"
    assert ZH in text


def test_header_charset_used_for_legacy_bytes() -> None:
    body = _page("Café crème brûlée").encode("cp1252")
    text, encoding = decode_html(body, "text/html; charset=ISO-8859-1")
    assert encoding == "cp1252"
    assert "Café crème brûlée" in text


def test_meta_charset_gb2312_decoded_as_gb18030() -> None:
    body = _page(ZH + "镕", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    text, encoding = decode_html(body.encode("gb18030"))
    assert encoding == "gb18030"
    assert ZH + "镕" in text


def test_gbk_bytes_declared_utf8_are_recovered() -> None:
    body = _page(ZH, '<meta charset="utf-8">').encode("gbk")
    text, encoding = decode_html(body, "text/html; charset=UTF-8")
    assert encoding == "gb18030"
    assert ZH in text


@pytest.mark.parametrize("declared", ["gb2312", "iso-8859-1"])
def test_utf8_bytes_declared_legacy_are_recovered(declared: str) -> None:
    body = _page(ZH + " naïve", f'<meta charset="{declared}">').encode("utf-8")
    text, encoding = decode_html(body)
    assert encoding == "utf-8"
    assert ZH + " naïve" in text


def test_undeclared_gbk_is_detected() -> None:
    text, encoding = decode_html(_page(ZH * 3).encode("gbk"))
    assert encoding == "gb18030"
    assert ZH in text


def test_stray_invalid_byte_keeps_declared_charset() -> None:
    body = _page(ZH * 40, '<meta charset="gbk">').encode("gbk")
    body = body.replace("大考".encode("gbk"), b"\xff\xff", 1)
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert "毫无疑问" in text


def test_odd_meta_charset_value_is_tolerated() -> None:
    body = _page("Grüße", '<meta charset="utf-8,%3csvg">').encode("utf-8")
    text, encoding = decode_html(body)
    assert encoding == "utf-8"
    assert "Grüße" in text


# --- extract(): bad input ---------------------------------------------------------------

from pipeline.extraction import (  # noqa: E402
    EmptyDocumentError,
    ExtractionError,
    NotHtmlError,
    extract,
    prepare_page,
)


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x1f\x8b\x08\x00" + bytes(64),
    ],
)
def test_binary_pages_are_not_html(body: bytes) -> None:
    with pytest.raises(NotHtmlError):
        extract(body, "https://example.com/file")


def test_non_html_content_type_without_markup() -> None:
    with pytest.raises(NotHtmlError):
        prepare_page(
            b"\x01\x02binary", "https://e.com/x", headers={"Content-Type": "application/pdf"}
        )


@pytest.mark.parametrize("body", [b"", b"   \n\t ", b"<!-- nothing -->"])
def test_empty_documents(body: bytes) -> None:
    with pytest.raises(EmptyDocumentError):
        extract(body)


def test_undecodable_garbage_is_an_extraction_error() -> None:
    garbage = bytes((i * 7919) % 128 + 128 for i in range(20_000))
    with pytest.raises(ExtractionError):
        extract(garbage)


def test_huge_page_is_bounded() -> None:
    import time

    paragraph = "<p>" + "Words in a long and repetitive paragraph, again. " * 20 + "</p>"
    filler = "<div><span><a href='/x'>link</a></span></div>" * 200_000
    page = f"<html><body><article>{paragraph * 5}</article>{filler}</body></html>".encode()
    assert len(page) > 8_000_000
    start = time.monotonic()
    article = extract(page, "https://example.com/huge")
    assert time.monotonic() - start < 30
    assert "repetitive paragraph" in article.text


def test_malformed_html_does_not_crash() -> None:
    page = b"<html><body><div><p>Unclosed <b>bold <i>italic<p>Second paragraph, with a comma and more words to count here.</div></td></tr><p>Third"
    article = extract(page)
    assert "Second paragraph" in article.text


# --- render -------------------------------------------------------------------------------

import json  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from pipeline.extraction.render import article_to_json, article_to_markdown  # noqa: E402
from pipeline.items import Article, Image  # noqa: E402


def _article() -> Article:
    return Article(
        url="https://news.example.com/a/1",
        title="It's a title",
        text="First.\n\nSecond.",
        html="<p>First.</p><p>Second.</p>",
        authors=["Jane Doe"],
        published=datetime(2022, 4, 1, 2, 3, tzinfo=UTC),
        images=[Image(src="https://news.example.com/i.jpg", caption="A caption", alt="alt")],
        categories=["政情"],
        word_count=2,
    )


def test_article_to_json_has_the_issue_fields() -> None:
    data = json.loads(article_to_json(_article()))
    for key in ("title", "text", "html", "lead", "authors", "published", "modified", "language",
                "images", "categories", "tags", "canonical_url", "source_name", "word_count"):  # fmt: skip
        assert key in data
    assert data["published"] == "2022-04-01T02:03:00+00:00"
    assert data["images"] == [
        {"src": "https://news.example.com/i.jpg", "caption": "A caption", "alt": "alt"}
    ]
    assert "政情" in article_to_json(_article())  # not \\u-escaped


def test_article_to_markdown_front_matter_and_body() -> None:
    md = article_to_markdown(_article())
    head, body = md.split("---\n\n", 1)
    assert head.startswith("---\ntitle: 'It''s a title'\n")
    assert "categories: \n - '政情'" in head
    assert "thumbnail: 'https://news.example.com/i.jpg'" in head
    assert "date: Fri, 01 Apr 2022 02:03:00 +0000" in head
    assert body.startswith("<div>\n<p>First.</p>")
