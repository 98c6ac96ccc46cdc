"""MinHash signatures and LSH band keys: which stored articles are the same story.

A story is a set of texts whose 3-shingle Jaccard similarity is high: syndicated copies with
a dateline, a credit line, a trimmed end, a new headline or reordered paragraphs. SimHash
(``fingerprint.py``) finds copies a few bits apart; the syndication edits move a text further
than its bands can see, so stories use MinHash: ``PERMUTATIONS`` min-hashes over the text's
shingles (3 words where words have spaces, 3 characters in Chinese/Japanese runs) by
one-permutation hashing, cut into
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
    content_hash_of_normalized,
    hashed_tokens,
    normalize_text,
    simhash_of_tokens,
)

# 256 values estimate a Jaccard similarity within +-0.031 (one standard deviation at
# J = 0.5; 128 gave +-0.044, and two of the fixture web's different articles at J = 0.45
# were estimated at 0.55). Bands are cut from the first BANDS * ROWS values only.
PERMUTATIONS = 256
BANDS = 32
ROWS = 4
# Texts at least this similar (estimated Jaccard of 3-shingles) are one story, chosen on
# bench/dedup.py's labelled corpus: single syndication edits keep J >= 0.65 (a 25 % cut:
# 0.75; dateline + credit + last paragraph dropped: 0.5-0.8); briefs sharing a lead and
# follow-ups stay below 0.3; a new story reusing half of an older one's paragraphs reaches
# 0.3-0.56, and so do the fixture web's articles, which share filler sentences (0.45).
# Every threshold from 0.56 to 0.58 keeps precision 1.0 and recall >= 0.99 in every
# language; 0.55 took one templated stock report's follow-up for a copy, 0.6 lost 1 % of
# Russian syndicated copies. 0.57 is the middle of that plateau.
STORY_SIMILARITY = 0.57

# One-permutation hashing (Li, Owen & Zhang 2012) with densification by rotation
# (Shrivastava & Li 2014): each shingle is mixed once and falls into one of PERMUTATIONS
# bins by its top 8 bits; a bin keeps the smallest of its remaining 24 bits. An empty bin
# borrows the value of the next non-empty bin to its right, shifted by the distance, so two
# texts' borrowed values agree only when they borrow alike. O(shingles), not
# O(shingles x 256): 0.15 ms instead of 1.5 ms (128 values) for a 2,000-word text.
_BIN_BITS = 8  # 2**8 == PERMUTATIONS
_VALUE_MASK = np.uint32((1 << (32 - _BIN_BITS)) - 1)
_BIN_SHIFT = np.uint32(32 - _BIN_BITS)
_BORROW_STEP = np.uint32(1 << (32 - _BIN_BITS))  # above every genuine value
_MIX1 = np.uint32(0x7FEB352D)
_MIX2 = np.uint32(0x846CA68B)
_SEED = np.uint32(0x9E3779B9)
_BINS = np.arange(PERMUTATIONS)
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
    if not normalized:
        return TextFingerprints(
            content_hash_of_normalized(""),
            simhash_of_tokens(hashed_tokens("")),
            signature_of_normalized(""),
        )
    tokens = hashed_tokens(normalized)  # once, for SimHash and MinHash alike
    return TextFingerprints(
        content_hash_of_normalized(normalized),
        simhash_of_tokens(tokens),
        _signature_of_shingles(shingles_of_tokens(tokens)),
    )


def shingle_hashes(normalized: str) -> np.ndarray:
    """32-bit hashes of the text's 3-token shingles (words, or CJK characters), unique."""
    return shingles_of_tokens(hashed_tokens(normalized))


def shingles_of_tokens(joined_tokens: bytes) -> np.ndarray:
    """Shingle hashes from ``fingerprint.hashed_tokens``' output."""
    joined = np.frombuffer(joined_tokens, dtype=np.uint64)
    # Shingle i mixes tokens i, i+1, i+2, each rotated differently so order matters.
    first, second, third = joined[:-2], joined[1:-1], joined[2:]
    mixed = first ^ _rotate(second, 21) ^ _rotate(third, 42)
    return np.unique((mixed >> np.uint64(32)).astype(np.uint32) ^ mixed.astype(np.uint32))


def signature(text: str) -> StorySignature:
    """The story signature of an article text (normalized here, like the content hash)."""
    return signature_of_normalized(normalize_text(text))


def signature_of_normalized(normalized: str) -> StorySignature:
    if not normalized:
        return StorySignature(_EMPTY.tobytes(), ())
    return _signature_of_shingles(shingle_hashes(normalized))


def _signature_of_shingles(shingles: np.ndarray) -> StorySignature:
    if shingles.size == 0:
        return StorySignature(_EMPTY.tobytes(), ())
    mixed = (shingles ^ _SEED) * _MIX1  # a bijection of 32-bit values (lowbias32)
    mixed ^= mixed >> np.uint32(15)
    mixed *= _MIX2
    mixed ^= mixed >> np.uint32(16)
    # The bin is the top bits, so in sorted order each bin's smallest value comes first.
    ordered = np.sort(mixed)
    bins = (ordered >> _BIN_SHIFT).astype(np.intp)
    first = np.flatnonzero(np.diff(bins, prepend=-1))
    values = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)
    values[bins[first]] = ordered[first] & _VALUE_MASK
    empty = values == np.iinfo(np.uint32).max
    if empty.any():
        filled = np.flatnonzero(~empty)
        after = np.searchsorted(filled, _BINS)  # first filled bin at or right of each bin
        source = filled[np.where(after == filled.size, 0, after)]
        distance = ((source - _BINS) % PERMUTATIONS).astype(np.uint32)
        values = values[source] + distance * _BORROW_STEP
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
