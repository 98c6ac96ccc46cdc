"""Content fingerprints: an exact hash of normalized text and a SimHash for near-duplicates."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def normalize_text(text: str) -> str:
    """Fold what differs between copies of one text: width, case, punctuation, whitespace."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalized text; equal for the same article under two URLs."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def _features(normalized: str) -> list[str]:
    # Words for spaced scripts, character trigrams for CJK runs (no spaces to split on).
    if len(_CJK.findall(normalized[:2000])) > 200:
        compact = normalized.replace(" ", "")
        return [compact[i : i + 3] for i in range(max(1, len(compact) - 2))]
    words = normalized.split()
    return [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]


def simhash(text: str) -> int:
    """64-bit SimHash over 3-gram features, as a signed int64 (fits PostgreSQL BIGINT).

    Per-bit counts are kept bit-sliced (a ripple-carry adder across 64 lanes), so each
    feature costs a few integer ops instead of a 64-step Python loop.
    """
    planes: list[int] = []  # planes[i] holds bit i of every lane's count
    total = 0
    for feature in _features(normalize_text(text)):
        carry = int.from_bytes(
            hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big"
        )
        total += 1
        for i, plane in enumerate(planes):
            planes[i], carry = plane ^ carry, plane & carry
            if not carry:
                break
        if carry:
            planes.append(carry)
    value = 0
    for bit in range(64):
        ones = sum(((plane >> bit) & 1) << i for i, plane in enumerate(planes))
        if 2 * ones > total:
            value |= 1 << bit
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
