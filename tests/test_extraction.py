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
