"""Render an Article for people and tools: one JSON object, or Markdown front matter + HTML."""

from __future__ import annotations

import json
from datetime import UTC
from email.utils import format_datetime
from typing import Any

from bs4 import BeautifulSoup

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


def export_html(html: str) -> str:
    """The body HTML as aggregators republish it: images that do not leak the referrer
    (Chinese image hosts refuse hot-linked requests that carry one) and load lazily, and
    links that do not pass authority or window access.

    bs4 earns its cost here: the fragment is small, this runs only for exports (never on
    the crawl's hot path), and its tree API keeps the rewrite short and obviously correct.
    """
    soup = BeautifulSoup(html, "lxml")
    for img in soup.find_all("img"):
        img["referrerpolicy"] = "no-referrer"
        img["loading"] = "lazy"
    for link in soup.find_all("a", href=True):
        if str(link["href"]).startswith(("http://", "https://")):
            link["rel"] = "nofollow noopener"
    body = soup.body
    return body.decode_contents(formatter="html5") if body is not None else ""


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
            # RFC 2822 in GMT, as the seed export writes it; a naive time stays as written.
            f"date: {format_datetime(published.astimezone(UTC), usegmt=True) if published.tzinfo else published.isoformat()}"
        )
    if thumbnail:
        lines.append(f"thumbnail: {_quoted(thumbnail)}")
    if article.canonical_url or article.url:
        lines.append(f"source_url: {_quoted(article.canonical_url or article.url or '')}")
    lines.append("---")
    return "\n".join(lines) + "\n\n<div>\n" + export_html(article.html) + "\n</div>\n"
