"""Content fingerprints: an exact hash of normalized text and a SimHash for near-duplicates."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_MASK = (1 << 64) - 1
# translate() tables mapping a byte to its bit j (0 or 1): per-bit counts in C.
_BIT_OF_BYTE = tuple(bytes((value >> bit) & 1 for value in range(256)) for bit in range(8))


def normalize_text(text: str) -> str:
    """Fold what differs between copies of one text: width, case, punctuation, whitespace."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalized text; equal for the same article under two URLs."""
    return _sha256(normalize_text(text))


def fingerprints(text: str) -> tuple[str, int]:
    """``(content_hash, simhash)`` from one normalization of ``text``."""
    normalized = normalize_text(text)
    return _sha256(normalized), _simhash(normalized)


def simhash(text: str) -> int:
    """64-bit SimHash over 3-gram features, as a signed int64 (fits PostgreSQL BIGINT)."""
    return _simhash(normalize_text(text))


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()


def _sha256(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _tokens(normalized: str) -> list[str]:
    # Words for spaced scripts, characters for CJK runs (no spaces to split on).
    if len(_CJK.findall(normalized[:2000])) > 200:
        return list(normalized.replace(" ", ""))
    return normalized.split()


def _simhash(normalized: str) -> int:
    """SimHash of a normalized text.

    Each distinct token is hashed once (blake2b, stable across processes) and a 3-gram's
    feature is the XOR of its tokens' hashes rotated by position, so a page costs one hash
    per distinct word rather than one per 3-gram. The per-bit majority is counted in C:
    the features are packed into bytes, and each bit position's count is a slice, a
    translate() and a count() over them, instead of a Python loop per feature.
    """
    cache: dict[str, tuple[int, int, int]] = {}
    rows = []
    for token in _tokens(normalized):
        row = cache.get(token)
        if row is None:
            h = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest())
            row = (h, (h << 21 | h >> 43) & _MASK, (h << 42 | h >> 22) & _MASK)
            cache[token] = row
        rows.append(row)
    if len(rows) < 3:
        rows = rows + [(0, 0, 0)] * (3 - len(rows))
    features = [a[0] ^ b[1] ^ c[2] for a, b, c in zip(rows, rows[1:], rows[2:], strict=False)]
    count = len(features)
    packed = b"".join([f.to_bytes(8, "little") for f in features])
    value = 0
    for byte in range(8):
        lane = packed[byte::8]  # byte `byte` of every feature
        for bit in range(8):
            if 2 * lane.translate(_BIT_OF_BYTE[bit]).count(1) > count:
                value |= 1 << (8 * byte + bit)
    return value - (1 << 64) if value >= 1 << 63 else value
