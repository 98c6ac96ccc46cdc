"""Render an Article for people and tools: one JSON object, or Markdown front matter + HTML."""

from __future__ import annotations

import json
from email.utils import format_datetime
from typing import Any

from pipeline.items import Article

JSON_FIELDS: tuple[str, ...] = (
    "url", "title", "text", "html", "lead", "authors", "published", "modified", "language",
    "images", "categories", "tags", "canonical_url", "source_name", "credits", "word_count",
)  # fmt: skip


def article_to_dict(article: Article) -> dict[str, Any]:
    """The JSON-ready fields (dates as ISO 8601 with offset when known)."""
    data = article.to_dict()
    return {name: data[name] for name in JSON_FIELDS}


def article_to_json(article: Article, *, indent: int | None = None) -> str:
    """One JSON object (UTF-8 text, not \\u escapes) with the fields issue 4 lists."""
    return json.dumps(article_to_dict(article), ensure_ascii=False, indent=indent)


def _quoted(value: str) -> str:
    """A YAML single-quoted scalar (the only escape is a doubled quote)."""
    return "'" + " ".join(value.split()).replace("'", "''") + "'"


def article_to_markdown(article: Article) -> str:
    """Front matter (title, categories, author, date, thumbnail) and the clean HTML body."""
    lines = ["---", f"title: {_quoted(article.title or '')}"]
    categories = [*article.categories, *article.tags]
    if categories:
        lines.append("categories: ")
        lines.extend(f" - {_quoted(name)}" for name in categories)
    thumbnail = article.images[0].src if article.images else None
    if thumbnail:
        lines.append(f"headimg: {_quoted(thumbnail)}")
    if article.authors:
        lines.append(f"author: {_quoted(', '.join(article.authors))}")
    lines.append("comments: false")
    if article.published:
        published = article.published
        lines.append(
            f"date: {format_datetime(published) if published.tzinfo else published.isoformat()}"
        )
    if thumbnail:
        lines.append(f"thumbnail: {_quoted(thumbnail)}")
    if article.canonical_url or article.url:
        lines.append(f"source_url: {_quoted(article.canonical_url or article.url or '')}")
    lines.append("---")
    return "\n".join(lines) + "\n\n<div>\n" + article.html + "\n</div>\n"
