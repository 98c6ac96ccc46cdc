"""The shape of a fixture article and the deterministic prose composer the sites share."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Story:
    """One article as the site serves it and as the manifest expects it stored.

    ``blocks`` is the body in a tiny markup: a plain string is a paragraph, ``"## x"`` a
    subheading, ``"> x"`` a blockquote, ``"- a | b"`` a bulleted list.
    """

    key: str
    site: str
    section: str
    path: str
    title: str
    published: datetime
    authors: tuple[str, ...]
    lead: str
    blocks: tuple[str, ...]
    sentence: str  # distinctive: appears in this article's body and nowhere else
    modified: datetime | None = None
    # Second page of a multi-page article (served at ?page=2), with its own distinctive sentence.
    page2_blocks: tuple[str, ...] = ()
    page2_sentence: str | None = None
    # Text added when the web is advanced to version 1 (the changing article).
    update_block: str | None = None
    updated_modified: datetime | None = None
    image: str | None = None  # figure src path
    image_caption: str | None = None
    tags: tuple[str, ...] = ()


def compose_blocks(
    seed: str,
    specific: Sequence[str],
    bank: Sequence[str],
    subheads: Sequence[str],
    *,
    paragraphs: int = 7,
    joiner: str = " ",
) -> tuple[str, ...]:
    """A body of ``paragraphs`` paragraphs: the story's own sentences spread through bank ones.

    Seeded by ``seed`` so every run (and every Python) produces the same text.
    """
    rng = random.Random(seed)
    pool = list(bank)
    rng.shuffle(pool)
    own = list(specific)
    blocks: list[str] = []
    for index in range(paragraphs):
        sentences: list[str] = []
        if own and (index == 0 or index % 2 == 1 or index == paragraphs - 2):
            sentences.append(own.pop(0))
        while len(sentences) < rng.choice((2, 2, 3)) and pool:
            sentences.append(pool.pop())
        blocks.append(joiner.join(sentences))
        if index == paragraphs // 2 and subheads:
            blocks.append("## " + rng.choice(list(subheads)))
    blocks.extend(own)  # anything left over still belongs to the story
    return tuple(blocks)
