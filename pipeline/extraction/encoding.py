"""Turn a page's raw bytes into text: BOM, HTTP charset, <meta> charset, then detection.

Declarations are often wrong on Chinese and older sites (GBK bytes declared UTF-8, UTF-8 bytes
declared gb2312 or iso-8859-1), so a declaration is trusted only when the bytes agree with it.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

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


def _error_rate(body: bytes, encoding: str) -> float:
    text = body.decode(encoding, errors="replace")
    return text.count("\ufffd") / max(len(body), 1)


def _detect(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    return normalize_charset(best.encoding) if best else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes; return (text, codec name used).

    Order: BOM, HTTP header charset, <meta charset>/http-equiv, then charset-normalizer. Valid
    UTF-8 with non-ASCII bytes is taken as UTF-8 whatever the page declares, because legacy
    text (GBK, Latin-1) almost never forms valid multi-byte UTF-8 by accident.
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

    if (
        declared
        and declared != "utf-8"
        and (
            _decodes_cleanly(body, declared) or _error_rate(body, declared) <= _TOLERATED_ERROR_RATE
        )
    ):
        return body.decode(declared, errors="replace"), declared

    # No usable declaration, or UTF-8 declared on bytes that are not UTF-8: the common case
    # is GBK behind a wrong declaration, so try GB18030 before general detection.
    if _decodes_cleanly(body, "gb18030") and _looks_cjk(body.decode("gb18030")):
        return body.decode("gb18030"), "gb18030"
    detected = _detect(body)
    candidates = [c for c in (detected, declared, "gb18030", "cp1252") if c]
    best = min(candidates, key=lambda enc: _error_rate(body, enc))
    return body.decode(best, errors="replace"), best


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _looks_cjk(text: str) -> bool:
    """Most non-ASCII characters are common CJK ideographs (not the rare ones mojibake yields)."""
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if not non_ascii:
        return False
    return len(_CJK.findall(text)) / non_ascii > 0.6
