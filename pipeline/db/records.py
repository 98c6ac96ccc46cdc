"""What the writer stores and what it reports: article records, their outcomes, their JSON form."""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any


class WriteOutcome(enum.Enum):
    STORED = "stored"  # a new article
    UPDATED = "updated"  # same canonical URL, the text changed
    UNCHANGED = "unchanged"  # re-crawl: same canonical URL, same content hash
    DUPLICATE_CONTENT = "duplicate_content"  # same text already stored under another URL


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One extracted article as the writer stores it."""

    source: str | None
    url: str
    canonical_url: str
    content_hash: str
    url_keys: tuple[str, ...] = ()  # every URL/alias seen for this page
    title: str | None = None
    text: str = ""
    html: str = ""
    lead: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    modified: datetime | None = None
    language: str | None = None
    images: tuple[dict[str, Any], ...] = ()  # {"src", "caption", "alt"}
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source_name: str | None = None
    simhash: int | None = None
    word_count: int = 0
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None

    def all_urls(self) -> list[str]:
        return list(dict.fromkeys((self.url, self.canonical_url, *self.url_keys)))


@dataclass(frozen=True, slots=True)
class WriteResult:
    record: ArticleRecord
    outcome: WriteOutcome
    article_id: int
    near_duplicate_of: int | None = None  # a new article whose text nearly repeats this one


_DATETIME_FIELDS = ("published", "modified", "fetched_at")
_TUPLE_FIELDS = ("url_keys", "authors", "images", "categories", "tags")


def record_to_json(record: ArticleRecord) -> str:
    data = asdict(record)
    for key in _DATETIME_FIELDS:
        value = data[key]
        data[key] = value.isoformat() if value else None
    return json.dumps(data, ensure_ascii=False)


def record_from_json(line: str) -> ArticleRecord:
    data = json.loads(line)
    known = {f.name for f in fields(ArticleRecord)}
    data = {k: v for k, v in data.items() if k in known}
    for key in _DATETIME_FIELDS:
        if data.get(key):
            data[key] = datetime.fromisoformat(data[key])
    for key in _TUPLE_FIELDS:
        data[key] = tuple(data.get(key) or ())
    return ArticleRecord(**data)
