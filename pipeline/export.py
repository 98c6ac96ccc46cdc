"""`newsmill export`: stored articles out of PostgreSQL as JSON lines, CSV or Markdown files.

Rows are streamed through a server-side cursor (psycopg's named cursor, fetched in batches
of ``FETCH_ROWS``), so an export of millions of articles holds one batch in memory.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, Select, exists, func, or_, select
from sqlalchemy.orm import aliased

from pipeline.db.models import Article as ArticleRow
from pipeline.db.models import Source
from pipeline.extraction.render import JSON_FIELDS, article_to_markdown
from pipeline.items import Article, Image
from pipeline.user_errors import NewsmillError

FORMATS = ("jsonl", "csv", "md")
# Rows per round trip of the server-side cursor: large enough that the round trips do not
# dominate, small enough that a batch of long articles stays a few MB.
FETCH_ROWS = 500

_STORED_COLUMNS = set(ArticleRow.__table__.columns.keys())
# The article fields of `newsmill extract`'s JSON that the database keeps (all but credits,
# today), then where the row came from and whether it repeats an earlier article.
EXPORT_FIELDS: tuple[str, ...] = (
    "id",
    *(name for name in JSON_FIELDS if name in _STORED_COLUMNS),
    "source",
    "near_duplicate_of",
    "first_seen",
    "updated_at",
)
# CSV cells are flat: lists of names are joined with this, images are a JSON array.
CSV_LIST_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """Which stored articles to export."""

    since: datetime | None = None  # published (or, without a date, first stored) at or after
    source: str | None = None
    one_per_story: bool = False


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An exported row: the article as extraction made it, and what the database adds."""

    id: int
    article: Article
    source: str | None
    content_hash: str
    near_duplicate_of: int | None
    first_seen: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        data = self.article.to_dict()
        data.update(
            id=self.id,
            source=self.source,
            near_duplicate_of=self.near_duplicate_of,
            first_seen=self.first_seen.isoformat(),
            updated_at=self.updated_at.isoformat(),
        )
        return {name: data[name] for name in EXPORT_FIELDS}


def parse_since(value: str) -> datetime:
    """``--since 2026-11-01`` (a date or ISO date-time; naive means UTC) as an aware datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise NewsmillError(f"--since {value!r}: expected a date such as 2026-11-01") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def one_per_story(query: Select[Any]) -> Select[Any]:
    """Keep one article per story: its first stored (an index lookup on story_id per row)."""
    earlier = aliased(ArticleRow)
    return query.where(
        ~exists().where(earlier.story_id == ArticleRow.story_id, earlier.id < ArticleRow.id)
    )


def _filtered(query: Select[Any], wanted: ExportQuery) -> Select[Any]:
    if wanted.since is not None:
        query = query.where(
            or_(
                ArticleRow.published >= wanted.since,
                ArticleRow.published.is_(None) & (ArticleRow.first_seen >= wanted.since),
            )
        )
    if wanted.source is not None:
        query = query.where(Source.name == wanted.source)
    if wanted.one_per_story:
        query = one_per_story(query)
    return query


def select_articles(wanted: ExportQuery) -> Select[Any]:
    """The export's query, oldest stored first (the primary key's order: an index scan)."""
    columns = [ArticleRow.__table__.c[name] for name in JSON_FIELDS if name in _STORED_COLUMNS]
    query = select(
        ArticleRow.id,
        *columns,
        ArticleRow.content_hash,
        ArticleRow.near_duplicate_of,
        ArticleRow.first_seen,
        ArticleRow.updated_at,
        Source.name.label("source"),
    ).outerjoin(Source, Source.id == ArticleRow.source_id)
    return _filtered(query, wanted).order_by(ArticleRow.id)


def count_articles(engine: Engine, wanted: ExportQuery) -> int:
    query = select(func.count()).select_from(ArticleRow)
    query = query.outerjoin(Source, Source.id == ArticleRow.source_id)
    with engine.connect() as conn:
        return int(conn.execute(_filtered(query, wanted)).scalar_one())


def check_source(engine: Engine, name: str) -> None:
    """Refuse an unknown source name in one line, listing the ones that have articles."""
    with engine.connect() as conn:
        names = list(conn.execute(select(Source.name).order_by(Source.name)).scalars())
    if name not in names:
        raise NewsmillError(
            f"no stored articles from a source named {name!r} (sources: {', '.join(names) or 'none'})"
        )


def _stored_article(row: Any) -> StoredArticle:
    fields = row._mapping
    article = Article(
        **{
            name: fields[name]
            for name in JSON_FIELDS
            if name in _STORED_COLUMNS and name != "images"
        },
        images=[Image(**image) for image in fields["images"] or ()],
    )
    return StoredArticle(
        id=fields["id"],
        article=article,
        source=fields["source"],
        content_hash=fields["content_hash"],
        near_duplicate_of=fields["near_duplicate_of"],
        first_seen=fields["first_seen"],
        updated_at=fields["updated_at"],
    )


def stream_articles(engine: Engine, wanted: ExportQuery) -> Iterator[StoredArticle]:
    """Every matching article, fetched ``FETCH_ROWS`` at a time through a server-side cursor."""
    with engine.connect() as conn:
        # yield_per makes SQLAlchemy open a named (server-side) cursor on psycopg.
        result = conn.execution_options(yield_per=FETCH_ROWS).execute(select_articles(wanted))
        for row in result:
            yield _stored_article(row)


# --- writers ------------------------------------------------------------------------------


def write_jsonl(articles: Iterable[StoredArticle], out: TextIO) -> Iterator[StoredArticle]:
    """One JSON object per line (UTF-8 text, not \\u escapes); yields each article written."""
    for stored in articles:
        out.write(json.dumps(stored.to_dict(), ensure_ascii=False) + "\n")
        yield stored


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return json.dumps(value, ensure_ascii=False)
        return CSV_LIST_SEPARATOR.join(str(v) for v in value)
    return "" if value is None else value


def write_csv(articles: Iterable[StoredArticle], out: TextIO) -> Iterator[StoredArticle]:
    """A header row, then one row per article (lists joined, images as a JSON array)."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for stored in articles:
        writer.writerow({k: _csv_cell(v) for k, v in stored.to_dict().items()})
        yield stored


def markdown_filename(stored: StoredArticle) -> str:
    """``000042_7eefd6fb0a7f33b1.md``: the row id (sorts in storage order) and the content hash."""
    return f"{stored.id:06d}_{stored.content_hash[:16]}.md"


def write_markdown(articles: Iterable[StoredArticle], directory: Path) -> Iterator[StoredArticle]:
    """One file per article: YAML front matter and the sanitized HTML body."""
    directory.mkdir(parents=True, exist_ok=True)
    for stored in articles:
        path = directory / markdown_filename(stored)
        path.write_text(article_to_markdown(stored.article), encoding="utf-8")
        yield stored


class ProgressBar:
    """A bar rewritten in place on a terminal (a few times a second); silent otherwise."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, interval: float = 0.2) -> None:
        self.total = total
        self.stream = stream
        self.interval = interval
        self.done = 0
        self._last = 0.0

    def advance(self) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self.render()

    def render(self) -> None:
        share = self.done / self.total if self.total else 1.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} articles ({share:4.0%})")
        self.stream.flush()

    def close(self) -> None:
        self.render()
        self.stream.write("\n")
        self.stream.flush()


def export_articles(
    engine: Engine,
    wanted: ExportQuery,
    fmt: str,
    out: Path | None,
    *,
    progress: TextIO | None = None,
) -> int:
    """Write the matching articles in ``fmt`` to ``out`` (stdout for jsonl/csv when None).

    Returns how many were written. ``progress``: a terminal to draw a progress bar on.
    """
    if fmt not in FORMATS:
        raise NewsmillError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "md" and out is None:
        raise NewsmillError("--format md writes one file per article: give --out DIRECTORY")
    if wanted.source is not None:
        check_source(engine, wanted.source)
    bar = ProgressBar(count_articles(engine, wanted), progress) if progress else None
    articles = stream_articles(engine, wanted)
    written = 0

    def drain(rows: Iterator[StoredArticle]) -> None:
        nonlocal written
        for _ in rows:
            written += 1
            if bar is not None:
                bar.advance()

    if fmt == "md":
        assert out is not None
        drain(write_markdown(articles, out))
    else:
        write = write_jsonl if fmt == "jsonl" else write_csv
        if out is None:
            drain(write(articles, sys.stdout))
        else:
            _check_writable(out)
            # newline="": the csv module writes its own \r\n row ends.
            with out.open("w", encoding="utf-8", newline="") as stream:
                drain(write(articles, stream))
    if bar is not None:
        bar.close()
    return written


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise NewsmillError(f"--out {path} is a directory; --format jsonl and csv write one file")
    if not path.parent.exists():
        raise NewsmillError(f"--out {path}: directory {path.parent} does not exist")


__all__ = [
    "EXPORT_FIELDS",
    "FORMATS",
    "ExportQuery",
    "StoredArticle",
    "export_articles",
    "one_per_story",
    "parse_since",
    "stream_articles",
]
