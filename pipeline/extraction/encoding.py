"""Turn a page's raw bytes into text: BOM, HTTP charset, <meta> charset, then detection.

Declarations are often wrong on Chinese and older sites (GBK bytes declared UTF-8, UTF-8 bytes
declared gb2312 or iso-8859-1), so a declaration is trusted only when the bytes agree with it.
"""

from __future__ import annotations

import codecs
import logging
import re
from urllib.parse import urlsplit

import charset_normalizer

from pipeline.cleaning.chars import HAN, HANGUL, KANA

logger = logging.getLogger(__name__)

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Charsets that browsers (WHATWG Encoding) decode as a superset; we do the same.
_SUPERSETS: dict[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "big5": "big5hkscs",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "tis-620": "cp874",
    "iso8859-9": "cp1254",
    "utf-16": "utf-8",  # a <meta> saying utf-16 on bytes we could read as ASCII is a lie
}

_META_SCAN_BYTES = 16_384
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Below this share of undecodable bytes a declared charset still wins (one stray byte in a
# GBK page must not send the page to detection).
_TOLERATED_ERROR_RATE = 0.002


def normalize_charset(name: str | None) -> str | None:
    """Map a declared charset label to the Python codec we decode it with, or None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in ("x-gbk", "gb_2312-80", "gb_2312", "x-gb2312", "chinese", "csgb2312"):
        label = "gbk"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def declared_charset_in_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_charset(match.group(1)) if match else None


def declared_charset_in_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    return normalize_charset(match.group(1).decode("ascii", "replace")) if match else None


def _decodes_cleanly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _detect(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    return normalize_charset(best.encoding) if best else None


def decode_html(
    body: bytes, content_type: str | None = None, url: str | None = None
) -> tuple[str, str]:
    """Decode HTML bytes; return (text, codec name used).

    Order: BOM, HTTP header charset, <meta charset>/http-equiv, then detection. Valid UTF-8
    with non-ASCII bytes is taken as UTF-8 whatever the page declares, because legacy text
    (GBK, Latin-1) almost never forms valid multi-byte UTF-8 by accident. ``url`` lends its
    country domain to the page's language signals (see ``_legacy``).
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding

    declared = declared_charset_in_header(content_type) or declared_charset_in_meta(body)
    if body.isascii():
        return body.decode("ascii"), declared or "ascii"
    if _decodes_cleanly(body, "utf-8"):
        if declared not in (None, "utf-8"):
            logger.debug("page declares %s but is valid UTF-8; decoding as UTF-8", declared)
        return body.decode("utf-8"), "utf-8"
    text = body.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    if len(_NON_ASCII.findall(text)) - errors >= errors * _UTF8_EVIDENCE:
        # UTF-8 with a stray broken byte: its multi-byte sequences are valid by the dozen,
        # which no legacy encoding's text manages by chance.
        return text, "utf-8"
    return _legacy(body, declared, url)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_UTF8_EVIDENCE = 20  # valid non-ASCII characters per broken byte


def _legacy(body: bytes, declared: str | None, url: str | None) -> tuple[str, str]:
    """Bytes that are not UTF-8: the declaration if the bytes bear it out, else the codec
    whose text is written in the script the page's language signals expect.

    A single-byte codec decodes any bytes without an error, so "fewest errors" alone turns
    GBK with two broken bytes into Cyrillic mojibake (ptcp154). Multi-byte CJK codecs are
    therefore tried first with a small error budget, and accepted only when nearly all the
    text they yield is the common core of their repertoire (real Chinese is; mojibake is not).
    """
    language = _language_signal(body, url)
    if declared in _COMMON_ROWS:
        text = body.decode(declared, errors="replace")
        if text.count("\ufffd") <= len(body) * _TOLERATED_ERROR_RATE:
            return text, declared
    detected: str | None = None
    if declared is None and language not in _CJK_LANGUAGES:
        # Korean and Japanese bytes also decode as plausible GBK: let the detector, which
        # knows letter frequencies, say which CJK codec comes first.
        detected = _detect(body)
    if _paired_high_bytes(body):
        sample = body[:_SAMPLE_BYTES]
        for codec in _cjk_order(language, detected):
            if _plausible_cjk(sample.decode(codec, errors="replace"), codec):
                return body.decode(codec, errors="replace"), codec
    if declared and declared not in _COMMON_ROWS:
        text = body.decode(declared, errors="replace")
        if text.count("\ufffd") <= len(body) * _TOLERATED_ERROR_RATE and _fits_script(
            text, language
        ):
            return text, declared
    if detected is None:
        detected = _detect(body)
    candidates = [c for c in (detected, declared, *_script_codecs(language), "cp1252") if c]
    decoded = {codec: body.decode(codec, errors="replace") for codec in dict.fromkeys(candidates)}
    # Fewest errors among the codecs whose text fits the page's language; all if none fits.
    fitting = [c for c in decoded if _fits_script(decoded[c], language)] or list(decoded)
    best = min(fitting, key=lambda codec: decoded[codec].count("\ufffd"))
    return decoded[best], best


# The common core of each CJK codec's repertoire, as rows (lead bytes) of its EUC-style base
# table: punctuation and full-width forms, plus GB2312's level-1 hanzi, Big5's frequent
# characters, JIS X 0208's kana and level-1 kanji, KS X 1001's hangul. Everyday text draws
# nearly all its characters from these; text decoded with the wrong codec does not.
_COMMON_ROWS: dict[str, tuple[str, range, range]] = {
    "gb18030": ("gb2312", range(0xA1, 0xA4), range(0xB0, 0xD8)),
    "big5hkscs": ("big5", range(0xA1, 0xA4), range(0xA4, 0xC7)),
    "cp932": ("euc_jp", range(0xA1, 0xA6), range(0xB0, 0xD0)),
    "euc_jp": ("euc_jp", range(0xA1, 0xA6), range(0xB0, 0xD0)),
    "cp949": ("euc_kr", range(0xA1, 0xA4), range(0xB0, 0xC9)),
}
_CJK_CODECS: dict[str, tuple[str, ...]] = {
    "zh": ("gb18030", "big5hkscs"),
    "ja": ("cp932", "euc_jp"),
    "ko": ("cp949",),
}
_CJK_LANGUAGES = frozenset(_CJK_CODECS)
_COMMON_SHARE = 0.8  # of the non-ASCII characters, from the common core
_MIN_KANA_SHARE = 0.05  # Japanese text always has kana; Chinese read as Japanese has almost none
_ERROR_BUDGET = 0.01  # undecodable bytes per non-ASCII character a CJK codec may leave
_SAMPLE_CHARS = 20_000
_MIN_EVIDENCE = 20  # characters: a handful of non-ASCII bytes proves no codec


def _cjk_order(language: str | None, detected: str | None) -> list[str]:
    order = list(_CJK_CODECS.get(language or "", ()))
    if detected in _COMMON_ROWS:
        order.append(detected)
    order += [codec for codecs_ in _CJK_CODECS.values() for codec in codecs_]
    return list(dict.fromkeys(order))


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_SAMPLE_BYTES = 262_144
_MAX_LONE_HIGH_BYTES = 0.1  # of the runs of non-ASCII bytes


def _paired_high_bytes(body: bytes) -> bool:
    """Whether the non-ASCII bytes come in runs, as double-byte CJK text writes them.

    Latin-1 and other single-byte text writes an accented letter between ASCII ones: a run
    of one byte, which no CJK character is. Checking this first keeps the CJK codecs (and
    their slow error handling on bytes they cannot read) off most legacy European pages.
    """
    runs = _HIGH_RUN.findall(body, 0, _SAMPLE_BYTES)
    lone = sum(1 for run in runs if len(run) == 1)
    return bool(runs) and lone <= len(runs) * _MAX_LONE_HIGH_BYTES


def _plausible_cjk(text: str, codec: str) -> bool:
    """Few undecodable bytes, and the other non-ASCII characters from the codec's common core."""
    base, punctuation, core = _COMMON_ROWS[codec]
    sample = [ch for ch in text[: _SAMPLE_CHARS * 4] if ord(ch) > 127][:_SAMPLE_CHARS]
    errors = sample.count("\ufffd")
    if len(sample) - errors < _MIN_EVIDENCE or errors > max(8, len(sample) * _ERROR_BUDGET):
        return False
    common = kana = 0
    for ch in sample:
        try:
            lead = ch.encode(base)[0]
        except UnicodeEncodeError:
            continue
        if lead in punctuation or lead in core:
            common += 1
        kana += lead in (0xA4, 0xA5) and base == "euc_jp"
    if base == "euc_jp" and kana < len(sample) * _MIN_KANA_SHARE:
        return False
    return common >= (len(sample) - errors) * _COMMON_SHARE


# The script a language is written in, and the legacy codecs that write it.
_SCRIPTS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    **dict.fromkeys(
        ("ru", "uk", "bg", "sr", "mk", "be", "kk"),
        (re.compile(r"[\u0400-\u04ff]"), ("cp1251", "koi8_r", "iso8859_5")),
    ),
    "el": (re.compile(r"[\u0370-\u03ff]"), ("cp1253", "iso8859_7")),
    "he": (re.compile(r"[\u0590-\u05ff]"), ("cp1255",)),
    **dict.fromkeys(("ar", "fa", "ur"), (re.compile(r"[\u0600-\u06ff]"), ("cp1256",))),
    "th": (re.compile(r"[\u0e00-\u0e7f]"), ("cp874",)),
    **dict.fromkeys(
        ("zh", "ja", "ko"), (re.compile(f"[{HAN}{KANA}{HANGUL}\u3000-\u303f\uff00-\uffef]"), ())
    ),
}
_LETTER = re.compile(r"[^\W\d_]")


def _script_codecs(language: str | None) -> tuple[str, ...]:
    return _SCRIPTS[language][1] if language in _SCRIPTS else ()


def _fits_script(text: str, language: str | None) -> bool:
    """Whether most non-ASCII letters of the text are in the script the language is written in
    (always, for a Latin-script or unknown language)."""
    if language not in _SCRIPTS:
        return True
    sample = "".join(ch for ch in text[: _SAMPLE_CHARS * 4] if ord(ch) > 127)
    letters = len(_LETTER.findall(sample))
    return letters == 0 or len(_SCRIPTS[language][0].findall(sample)) >= letters * 0.5


_HTML_LANG = re.compile(rb"<html[^>]*?\s(?:xml:)?lang\s*=\s*[\"']?\s*([a-zA-Z]{2,3})\b", re.I)
_META_LANG = re.compile(
    rb"<meta[^>]+(?:content-language|og:locale|name\s*=\s*[\"']?language)[^>]*?"
    rb"content\s*=\s*[\"']?\s*([a-zA-Z]{2,3})\b",
    re.I,
)
# Country domains whose sites write one language (in the scripts above) nearly always.
_DOMAIN_LANGUAGE = {
    **dict.fromkeys(("cn", "tw", "hk", "mo"), "zh"),
    "jp": "ja",
    "kr": "ko",
    "ru": "ru",
    "ua": "uk",
    "by": "be",
    "bg": "bg",
    "gr": "el",
    "il": "he",
    "th": "th",
}


def _language_signal(body: bytes, url: str | None) -> str | None:
    """The page's language as its markup declares it (<html lang>, content-language, og:locale),
    else as its country domain implies."""
    head = body[:_META_SCAN_BYTES]
    for pattern in (_HTML_LANG, _META_LANG):
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii").lower()
    host = (urlsplit(url).hostname or "") if url else ""
    return _DOMAIN_LANGUAGE.get(host.rsplit(".", 1)[-1])
