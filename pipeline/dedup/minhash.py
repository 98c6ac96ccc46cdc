"""MinHash signatures and LSH band keys: which stored articles are the same story.

A story is a set of texts whose 3-shingle Jaccard similarity is high: syndicated copies with
a dateline, a credit line, a trimmed end, a new headline or reordered paragraphs. SimHash
(``fingerprint.py``) finds copies a few bits apart; the syndication edits move a text further
than its bands can see, so stories use MinHash: ``PERMUTATIONS`` min-hashes over the text's
shingles (3 words where words have spaces, 3 characters in Chinese/Japanese runs), cut into
``BANDS`` bands of ``ROWS`` values. Two texts share at least one band with probability
``1 - (1 - J**ROWS)**BANDS`` (0.99 at J = 0.6, 0.40 at J = 0.3): band keys find candidates
with one index lookup, and the full signature confirms them (``similarity``).

Each band key is a 64-bit hash of the band number and its values: high entropy, so an index
lookup costs the same at ten thousand and at a million stored articles.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from pipeline.dedup.fingerprint import (
    fingerprints_of_normalized,
    normalize_text,
    shingle_tokens,
    token_hash,
)

PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
# Texts at least this similar (estimated Jaccard of 3-shingles) are one story. Chosen on
# bench/dedup.py's labelled corpus: single syndication edits keep J >= 0.65 (a 25 % cut:
# 0.75; dateline + credit + last paragraph dropped: 0.5-0.8), briefs sharing a lead and
# follow-ups stay below 0.3; a new story reusing half of an older one's paragraphs reaches
# 0.3-0.55, and so does the fixture web's Chinese site, whose articles share filler
# sentences. 0.5 merged those; 0.6 lost 3 % of the syndicated copies.
STORY_SIMILARITY = 0.55

_SEEDS = np.random.default_rng(20261201)
# Each permutation is a murmur-style mix of the shingle's 32-bit hash with its own constants:
# h_k(x) = m2_k * (y ^ (y >> 16)) with y = m1_k * (x ^ s_k), all mod 2**32 (m1, m2 odd, so a
# bijection). 32-bit arithmetic keeps the (shingles x permutations) matrix fast in numpy.
_XOR = _SEEDS.integers(0, 2**32, PERMUTATIONS, dtype=np.uint32)
_MUL1 = _SEEDS.integers(0, 2**31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_MUL2 = _SEEDS.integers(0, 2**31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_SIXTEEN = np.uint32(16)
# Shingles processed per chunk: bounds the (shingles x permutations) matrix on long texts.
_CHUNK = 4096
_EMPTY = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class StorySignature:
    """A text's MinHash signature (``PERMUTATIONS`` uint32 values) and its LSH band keys."""

    minhashes: bytes
    bands: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return self.minhashes == _EMPTY.tobytes()


@dataclass(frozen=True, slots=True)
class TextFingerprints:
    """Everything dedup needs of an article text, from one normalization of it."""

    content_hash: str  # exact copies (unique in articles)
    simhash: int  # near copies a few bits apart (near_duplicate_of)
    story: StorySignature  # near copies further apart: the story


def text_fingerprints(text: str) -> TextFingerprints:
    normalized = normalize_text(text)
    content_hash, simhash = fingerprints_of_normalized(normalized)
    return TextFingerprints(content_hash, simhash, signature_of_normalized(normalized))


def shingle_hashes(normalized: str) -> np.ndarray:
    """32-bit hashes of the text's 3-token shingles (words, or CJK characters), unique."""
    tokens = shingle_tokens(normalized)
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    if len(tokens) < 3:
        tokens = tokens + [""] * (3 - len(tokens))
    joined = np.frombuffer(b"".join(map(token_hash, tokens)), dtype=np.uint64)
    # Shingle i mixes tokens i, i+1, i+2, each rotated differently so order matters.
    first, second, third = joined[:-2], joined[1:-1], joined[2:]
    mixed = first ^ _rotate(second, 21) ^ _rotate(third, 42)
    return np.unique((mixed >> np.uint64(32)).astype(np.uint32) ^ mixed.astype(np.uint32))


def signature(text: str) -> StorySignature:
    """The story signature of an article text (normalized here, like the content hash)."""
    return signature_of_normalized(normalize_text(text))


def signature_of_normalized(normalized: str) -> StorySignature:
    shingles = shingle_hashes(normalized)
    if shingles.size == 0:
        return StorySignature(_EMPTY.tobytes(), ())
    mins = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, shingles.size, _CHUNK):
        mixed = (shingles[start : start + _CHUNK, None] ^ _XOR) * _MUL1
        mixed ^= mixed >> _SIXTEEN
        mixed *= _MUL2
        np.minimum(mins, mixed.min(axis=0), out=mins)
    values = mins
    return StorySignature(values.tobytes(), band_keys(values))


def band_keys(values: np.ndarray) -> tuple[int, ...]:
    """One signed 64-bit key per band: a hash of the band's number and its ``ROWS`` values."""
    raw = values.astype("<u4").tobytes()
    width = 4 * ROWS
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            raw[band * width : (band + 1) * width], digest_size=8, person=band.to_bytes(16)
        ).digest()
        keys.append(int.from_bytes(digest, signed=True))
    return tuple(keys)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two texts from their signatures."""
    left = np.frombuffer(a, dtype=np.uint32)
    right = np.frombuffer(b, dtype=np.uint32)
    if left.size != PERMUTATIONS or right.size != PERMUTATIONS:
        raise ValueError("signatures of different sizes")
    return float(np.count_nonzero(left == right)) / PERMUTATIONS


def _rotate(values: np.ndarray, bits: int) -> np.ndarray:
    return (values << np.uint64(bits)) | (values >> np.uint64(64 - bits))
