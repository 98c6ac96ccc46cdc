"""Content fingerprints: an exact hash of normalized text and a SimHash for near-duplicates."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from pipeline.cleaning.chars import HAN, KANA

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_MASK = (1 << 64) - 1
# A Han or kana character alone, or a run of anything else but spaces (hangul is spaced).
_TOKEN = re.compile(f"[{HAN}{KANA}]|[^\\s{HAN}{KANA}]+")
# ASCII bytes: letters and digits kept (lower-cased), everything else a space, as _NON_WORD does.
_ASCII_FOLD = bytes(c if chr(c).isalnum() else 32 for c in range(128)).lower() + bytes(128)


def normalize_text(text: str) -> str:
    """Fold what differs between copies of one text: width, case, punctuation, whitespace."""
    if text.isascii():
        # Same result as the Unicode path (ASCII is already NFKC and casefolds to lower()),
        # from one translate() in C instead of a regex over every character.
        return " ".join(text.encode("ascii").translate(_ASCII_FOLD).decode("ascii").split())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalized text; equal for the same article under two URLs."""
    return _sha256(normalize_text(text))


def fingerprints(text: str) -> tuple[str, int]:
    """``(content_hash, simhash)`` from one normalization of ``text``."""
    normalized = normalize_text(text)
    return _sha256(normalized), _simhash(normalized)


def content_hash_of_normalized(normalized: str) -> str:
    return _sha256(normalized)


def simhash(text: str) -> int:
    """64-bit SimHash over 3-gram features, as a signed int64 (fits PostgreSQL BIGINT)."""
    return _simhash(normalize_text(text))


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()


def _sha256(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def shingle_tokens(normalized: str) -> list[str]:
    """The units shingles are made of: words, and each character of Chinese/Japanese runs.

    Decided per character, not per text: a trimmed copy of a short Chinese article must
    tokenize like its original, and a Latin name inside Chinese text stays one token.
    """
    if normalized.isascii():
        return normalized.split()
    return _TOKEN.findall(normalized)


def _simhash(normalized: str) -> int:
    """SimHash of a normalized text.

    Tokens are hashed with blake2b (stable across processes), memoized: news vocabulary
    repeats from page to page. The token hashes are joined into one byte string H, 8 bytes per
    token, and feature i is H[8i:8i+8] ^ H[8i+11:8i+19] ^ H[8i+21:8i+29]: it mixes tokens
    i to i+3 at different byte offsets, so it is a shingle feature and word order counts.
    All features come from three slices XORed as big integers, in C. The per-bit majority
    is counted in C too: each bit position's count is a masked bit_count() over one byte
    lane of the packed features.
    """
    return simhash_of_tokens(hashed_tokens(normalized))


def hashed_tokens(normalized: str) -> bytes:
    """The 8-byte hashes of the text's shingle tokens, joined (at least 4 tokens, padded).

    SimHash and the story MinHash (``minhash.py``) both start from these; computed once
    per text when both are wanted (``minhash.text_fingerprints``).
    """
    tokens = shingle_tokens(normalized)
    if len(tokens) < 4:
        tokens = tokens + [""] * (4 - len(tokens))
    return b"".join(map(token_hash, tokens))


def simhash_of_tokens(joined: bytes) -> int:
    """SimHash from ``hashed_tokens``' output."""
    count = len(joined) // 8 - 3
    size = 8 * count
    packed = (
        int.from_bytes(joined[:size])
        ^ int.from_bytes(joined[11 : 11 + size])
        ^ int.from_bytes(joined[21 : 21 + size])
    ).to_bytes(size)
    # One mask per bit of a byte, repeated over a lane: AND + bit_count() on big integers
    # counts a bit position over every feature at once (8x faster than translate + count).
    masks = [int.from_bytes(bytes((1 << bit,)) * count) for bit in range(8)]
    value = 0
    for byte in range(8):
        lane = int.from_bytes(packed[byte::8])  # byte `byte` of every feature
        for bit, mask in enumerate(masks):
            if 2 * (lane & mask).bit_count() > count:
                value |= 1 << (8 * byte + bit)
    return value - (1 << 64) if value >= 1 << 63 else value


@functools.lru_cache(maxsize=65536)
def token_hash(token: str) -> bytes:
    """A stable 8-byte hash of one token (memoized: news vocabulary repeats)."""
    return hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
