"""What the writer stores and what it reports: article records, their outcomes, their JSON form.

The article's fields are written once, in ``pipeline.items.Article``. A record carries that
article as it is, plus the keys and fetch facts the writer stores beside it; the columns the
writer fills, its staging table and the spool's JSON all follow from those two dataclasses
and the ``articles`` model. A new article field is a field of ``Article``, a column of the
model and a migration; a field that is deliberately not stored is listed in ``NOT_STORED``.
"""

from __future__ import annotations

import base64
import enum
import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import datetime
from functools import cache
from typing import Any, get_args, get_type_hints

from pipeline.db.models import Article as ArticleRow
from pipeline.items import Article, Image

# Article fields with no column: the page's own URL claims (the record's keys are stored
# instead) and credit lines (kept out of the body, not archived).
NOT_STORED = frozenset({"url", "canonical_url", "credits"})

# Which columns a record's own fields fill: "content" with the text (inserted, or rewritten
# when the text changed), "fetch" with every fetch (an unchanged re-crawl touches only these).
_CONTENT = {"column": "content"}
_FETCH = {"column": "fetch"}


class WriteOutcome(enum.Enum):
    STORED = "stored"  # a new article
    UPDATED = "updated"  # same canonical URL, the text changed
    UNCHANGED = "unchanged"  # re-crawl: same canonical URL, same content hash
    DUPLICATE_CONTENT = "duplicate_content"  # same text already stored under another URL


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One extracted article with the keys and fetch facts the writer stores beside it."""

    source: str | None  # source name from sources/*.yaml (the sources row)
    url: str = field(metadata=_CONTENT)
    canonical_url: str = field()  # the key a re-crawl is matched by
    content_hash: str = field(metadata=_CONTENT)
    article: Article = field(default_factory=Article)
    url_keys: tuple[str, ...] = ()  # every URL/alias seen for this page
    simhash: int | None = field(default=None, metadata=_CONTENT)
    # The story signature (pipeline.dedup.minhash): MinHash values stored with the text,
    # band keys written to story_bands.
    minhash: bytes | None = field(default=None, metadata=_CONTENT)
    story_bands: tuple[int, ...] = ()
    http_status: int | None = field(default=None, metadata=_FETCH)
    etag: str | None = field(default=None, metadata=_FETCH)
    last_modified: str | None = field(default=None, metadata=_FETCH)
    fetched_at: datetime | None = field(default=None, metadata=_FETCH)
    # The crawl-state row of this page (the URL as requested): the batch that stores the
    # article marks it stored, in the same transaction. None: no crawl state to mark.
    state_url: str | None = None

    def all_urls(self) -> list[str]:
        return list(dict.fromkeys((self.url, self.canonical_url, *self.url_keys)))


@dataclass(frozen=True, slots=True)
class WriteResult:
    record: ArticleRecord
    outcome: WriteOutcome
    article_id: int
    near_duplicate_of: int | None = None  # a new article whose text nearly repeats this one


def _stored_article_fields() -> tuple[str, ...]:
    columns = ArticleRow.__table__.columns
    missing = [
        f.name for f in fields(Article) if f.name not in columns and f.name not in NOT_STORED
    ]
    if missing:
        raise RuntimeError(
            f"Article fields {missing} have no column in articles: add the column to "
            "pipeline/db/models.py with a migration, or list them in NOT_STORED"
        )
    return tuple(f.name for f in fields(Article) if f.name not in NOT_STORED)


ARTICLE_FIELDS = _stored_article_fields()
# Columns written with the text, and columns every fetch updates, in a fixed order.
CONTENT_COLUMNS = (
    *(f.name for f in fields(ArticleRecord) if f.metadata == _CONTENT),
    *ARTICLE_FIELDS,
)
FETCH_COLUMNS = tuple(f.name for f in fields(ArticleRecord) if f.metadata == _FETCH)


def column_values(record: ArticleRecord) -> dict[str, Any]:
    """Every content and fetch column of ``record`` as plain Python values (images as dicts)."""
    values = {name: getattr(record, name) for name in CONTENT_COLUMNS if name not in ARTICLE_FIELDS}
    for name in ARTICLE_FIELDS:
        values[name] = _plain(getattr(record.article, name))
    for name in FETCH_COLUMNS:
        values[name] = getattr(record, name)
    return values


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


# --- the spool's JSON form ------------------------------------------------------------------


def record_to_json(record: ArticleRecord) -> str:
    return json.dumps(asdict(record), ensure_ascii=False, default=_json_default)


def record_from_json(line: str) -> ArticleRecord:
    data = json.loads(line)
    article = data.get("article")
    if article is None:  # a spool file written before records carried an Article
        article = {k: v for k, v in data.items() if k in ARTICLE_FIELDS}
    kwargs = _revive(ArticleRecord, data)
    kwargs["article"] = Article(**_revive(Article, article))
    kwargs["url_keys"] = tuple(kwargs.get("url_keys") or ())
    return ArticleRecord(**kwargs)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot spool {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _revive(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``cls`` found in ``data``, with datetimes and images rebuilt from JSON."""
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data or f.name == "article":
            continue
        value, hint = data[f.name], hints[f.name]
        if value is not None and (hint is datetime or datetime in get_args(hint)):
            value = datetime.fromisoformat(value)
        elif value is not None and (hint is bytes or bytes in get_args(hint)):
            value = base64.b64decode(value)
        elif isinstance(value, list) and f.name == "story_bands":
            value = tuple(value)
        elif value is not None and Image in get_args(hint):
            value = [Image(**image) for image in value]
        kwargs[f.name] = value
    return kwargs
