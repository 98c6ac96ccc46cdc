"""Adapter for /work/shared/eval/score.py --py: bytes + URL in, the scorer's dict out."""

from __future__ import annotations

from typing import Any

from pipeline.extraction import extract


def extract_for_score(html: bytes, url: str | None) -> dict[str, Any]:
    article = extract(html, url or None)
    return {
        "text": article.text,
        "title": article.title,
        "authors": article.authors,
        "published": article.published.isoformat() if article.published else None,
    }
