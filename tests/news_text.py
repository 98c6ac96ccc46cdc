"""Generated article bodies for dedup and story tests: distinct per seed, one news vocabulary."""

from __future__ import annotations

import random

VOCABULARY = [
    "council",
    "vote",
    "budget",
    "river",
    "bridge",
    "school",
    "mayor",
    "report",
    "police",
    "station",
    "water",
    "price",
    "market",
    "court",
    "judge",
    "trial",
    "museum",
    "storm",
    "harbour",
    "election",
    "minister",
    "train",
    "airport",
    "hospital",
    "union",
    "festival",
    "library",
    "farmers",
    "drought",
    "factory",
    "workers",
    "strike",
    "border",
    "treaty",
    "summit",
]


def news_text(seed: int, paragraphs: int = 8, words_per_paragraph: int = 40) -> str:
    """``paragraphs`` lines of sentence-cased vocabulary words, the same for the same seed."""
    rng = random.Random(seed)
    lines = []
    for _ in range(paragraphs):
        sentences = [
            " ".join(rng.choice(VOCABULARY) for _ in range(10)).capitalize() + "."
            for _ in range(max(1, words_per_paragraph // 10))
        ]
        lines.append(" ".join(sentences))
    return "\n".join(lines)
