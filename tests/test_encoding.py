"""Charset decisions on synthetic bytes: broken CJK pages, lying declarations, language signals."""

from __future__ import annotations

import pytest

from pipeline.extraction.encoding import decode_html
from pipeline.extraction.parse import parse_html

ZH = "北京时间昨晚，国家统计局发布了最新的经济数据。专家认为，今年的经济增长将保持稳定，消费和投资都有明显回升。"
TW = "台北時間昨晚，國家統計局發布了最新的經濟數據。專家認為，今年的經濟增長將保持穩定，消費和投資都有明顯回升。"
JA = "東京都は昨日、新しい経済対策を発表しました。専門家によると、今年の経済成長は安定を保つ見込みです。"
KO = "서울시는 어제 새로운 경제 대책을 발표했습니다. 전문가들에 따르면 올해 경제 성장은 안정을 유지할 전망입니다."
RU = "Вчера правительство объявило о новых мерах поддержки экономики. По словам экспертов, рост останется стабильным."
DE = "Die Bundesregierung hat gestern neue Maßnahmen zur Stützung der Wirtschaft angekündigt. Größere Sorgen äußern Ökonomen."


def _page(text: str, head: str = "", lang: str = "", paragraphs: int = 8) -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    body = "".join(f"<p>{text}</p>\n" for _ in range(paragraphs))
    return f"<html{lang_attr}><head>{head}<title>t</title></head><body>{body}</body></html>"


def _break_gbk(body: bytes) -> bytes:
    """Two invalid bytes in place of one character, as a corrupted transfer leaves them."""
    at = body.index("统计".encode("gbk"))
    return body[:at] + b"\x80\xff" + body[at + 2 :]


def test_gbk_without_charset_and_two_invalid_bytes_is_gb18030_not_mojibake() -> None:
    body = _break_gbk(_page(ZH).encode("gbk"))
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert "专家认为，今年的经济增长将保持稳定" in text
    assert text.count("\ufffd") <= 2


def test_gbk_with_a_lost_byte_mid_paragraph_is_still_gb18030() -> None:
    body = _page(ZH).encode("gbk")
    at = body.index("专家".encode("gbk"), body.index(b"<p>", 300))
    text, encoding = decode_html(body[:at] + body[at + 1 :])
    assert encoding == "gb18030"
    assert ZH in text  # the other paragraphs are intact


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (ZH, "gbk", "gb18030"),
        (TW, "big5", "big5hkscs"),
        (JA, "shift_jis", "cp932"),
        (JA, "euc_jp", "euc_jp"),
        (KO, "euc_kr", "cp949"),
    ],
    ids=["gbk", "big5", "shift_jis", "euc_jp", "euc_kr"],
)
def test_undeclared_cjk_bytes_get_their_own_codec(text: str, codec: str, expected: str) -> None:
    decoded, encoding = decode_html(_page(text).encode(codec))
    assert encoding == expected
    assert text in decoded


def test_gbk_declared_latin1_is_read_as_chinese() -> None:
    # Old Chinese sites' templates say iso-8859-1; the bytes are plainly GBK.
    body = _page(ZH, '<meta charset="iso-8859-1">').encode("gbk")
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert ZH in text


def test_chinese_language_signal_overrides_a_single_byte_declaration_with_broken_bytes() -> None:
    body = _break_gbk(_page(ZH, '<meta charset="windows-1251">', lang="zh-CN").encode("gbk"))
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert "经济增长" in text


@pytest.mark.parametrize(
    ("text", "codec", "head", "lang", "expected"),
    [
        (DE, "cp1252", '<meta charset="iso-8859-1">', "", "cp1252"),
        (RU, "cp1251", '<meta charset="windows-1251">', "", "cp1251"),
        (RU, "cp1251", "", "ru", "cp1251"),
    ],
    ids=["latin1-declared", "cp1251-declared", "cp1251-lang-ru"],
)
def test_single_byte_pages_stay_single_byte(
    text: str, codec: str, head: str, lang: str, expected: str
) -> None:
    decoded, encoding = decode_html(_page(text, head, lang).encode(codec))
    assert encoding == expected
    assert text in decoded


def test_utf8_page_with_one_stray_byte_stays_utf8() -> None:
    body = _page(DE, '<meta charset="utf-8">').encode("utf-8")
    at = body.index("Maßnahmen".encode())
    text, encoding = decode_html(body[:at] + b"\xe9" + body[at:])
    assert encoding == "utf-8"
    assert "Größere Sorgen äußern Ökonomen" in text


def test_country_domain_is_a_language_signal() -> None:
    # Cyrillic letters in KOI8-R read as nothing in particular without a signal; a .ru
    # domain says the text must be Cyrillic, and KOI8-R is the codec that makes it so.
    body = _page(RU).encode("koi8_r")
    text, encoding = decode_html(body, url="https://gazeta.example.ru/news/1.html")
    assert RU in text
    assert encoding in ("koi8-r", "koi8_r")
    root, parsed_encoding = parse_html(body, url="https://gazeta.example.ru/news/1.html")
    assert parsed_encoding == encoding
    assert RU[:30] in root.text_content()
