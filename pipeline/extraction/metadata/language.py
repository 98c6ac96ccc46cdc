"""The page's language: declared (lang, og:locale, content-language) else a cheap script guess."""

from __future__ import annotations

import re

from pipeline.cleaning.chars import HAN, HANGUL, KANA

_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")

# Unicode ranges that identify a language well enough on their own (ja before zh: kana).
SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(f"[{KANA}]")),
    ("ko", re.compile(f"[{HANGUL}]")),
    ("zh", re.compile(f"[{HAN}]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
)


def normalize_tag(value: str | None) -> str | None:
    """'de-DE' → 'de', 'zh_CN' → 'zh'; None for junk."""
    if not value:
        return None
    value = value.split(",")[0].strip()
    if not _TAG.match(value):
        return None
    primary = value.replace("_", "-").split("-")[0].lower()
    return None if primary in ("x", "und", "mul", "zxx") else primary


_LETTER = re.compile(r"[^\W\d_]")


def guess_from_text(text: str) -> str | None:
    """The script-defined language if a sample of the text is mostly in one such script."""
    sample = text[:3000]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return None
    for language, pattern in SCRIPTS:
        count = len(pattern.findall(sample))
        if language == "ja" and count > letters * 0.05:
            return "ja"
        if count > letters * 0.3:
            return language
    return None
