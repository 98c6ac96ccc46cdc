"""Read-side of stories and versions: `newsmill stories` and `newsmill history URL`.

A story is every article with one ``story_id``; who ran it and when comes from the
sightings of those articles (each with its own source, title and publication time).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from pipeline.dedup.urls import canonical_url


@dataclass(frozen=True, slots=True)
class StoryRow:
    story_id: int
    title: str | None
    articles: int
    sightings: int
    sources: tuple[str, ...]
    first_published: datetime | None
    last_published: datetime | None


# One row per story: its oldest article's title, and its sightings' sources and times.
_STORIES = """
SELECT s.id,
       (SELECT a.title FROM articles a WHERE a.story_id = s.id ORDER BY a.id LIMIT 1),
       (SELECT count(*) FROM articles a WHERE a.story_id = s.id),
       count(g.id),
       array_remove(array_agg(DISTINCT src.name), NULL),
       min(COALESCE(g.published, g.first_seen)),
       max(COALESCE(g.published, g.first_seen))
FROM stories s
JOIN articles a ON a.story_id = s.id
JOIN sightings g ON g.article_id = a.id
LEFT JOIN sources src ON src.id = g.source_id
WHERE (CAST(:since AS timestamptz) IS NULL
       OR COALESCE(g.published, g.first_seen) >= CAST(:since AS timestamptz))
GROUP BY s.id
HAVING count(DISTINCT COALESCE(src.name, g.url)) >= :min_sources
   AND (CAST(:source AS text) IS NULL OR CAST(:source AS text) = ANY(array_agg(src.name)))
ORDER BY max(COALESCE(g.published, g.first_seen)) DESC, s.id DESC
LIMIT :limit
"""


def list_stories(
    engine: Engine,
    *,
    since: datetime | None = None,
    source: str | None = None,
    min_sources: int = 1,
    limit: int = 50,
) -> list[StoryRow]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(_STORIES),
            {"since": since, "source": source, "min_sources": min_sources, "limit": limit},
        ).all()
    return [
        StoryRow(row[0], row[1], row[2], row[3], tuple(sorted(row[4] or ())), row[5], row[6])
        for row in rows
    ]


def format_stories(rows: Sequence[StoryRow]) -> Iterator[str]:
    yield f"{'story':>7}  {'articles':>8} {'seen':>5}  {'first published':<16}  {'last':<16}  sources / title"
    for row in rows:
        yield (
            f"{row.story_id:>7}  {row.articles:>8} {row.sightings:>5}  "
            f"{_when(row.first_published):<16}  {_when(row.last_published):<16}  "
            f"{', '.join(row.sources) or '-'}: {row.title or '(untitled)'}"
        )


@dataclass(frozen=True, slots=True)
class Version:
    title: str | None
    text: str
    modified: datetime | None
    since: datetime | None  # when this text was first stored
    until: datetime | None  # when a recheck replaced it (None: the current text)
    words_added: int = 0
    words_removed: int = 0


class UnknownArticle(LookupError):
    pass


def article_versions(engine: Engine, url: str) -> tuple[int, list[Version]]:
    """The article stored under ``url`` (any of its URLs) and its versions, oldest first."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT article_id FROM article_urls WHERE url = ANY(:urls) "
                "UNION SELECT id FROM articles WHERE canonical_url = ANY(:urls) LIMIT 1"
            ),
            {"urls": list(dict.fromkeys([url, canonical_url(url)]))},
        ).first()
        if row is None:
            raise UnknownArticle(f"no stored article has the URL {url}")
        article_id = row[0]
        older = conn.execute(
            text(
                "SELECT title, text, modified, valid_from, replaced_at, words_added, "
                "words_removed FROM article_versions WHERE article_id = :id ORDER BY id"
            ),
            {"id": article_id},
        ).all()
        current = conn.execute(
            text("SELECT title, text, modified, updated_at FROM articles WHERE id = :id"),
            {"id": article_id},
        ).one()
    versions = [Version(*version) for version in older]
    versions.append(Version(current[0], current[1], current[2], current[3], None))
    return article_id, versions


def word_diff(old: str, new: str, context: int = 6) -> Iterator[str]:
    """Changed words between two texts: ``[-removed-]`` and ``{+added+}`` with some context."""
    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        parts: list[str] = []
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                parts.append(" ".join(before[i1:i2]))
                continue
            if i2 > i1:
                parts.append("[-" + " ".join(before[i1:i2]) + "-]")
            if j2 > j1:
                parts.append("{+" + " ".join(after[j1:j2]) + "+}")
        yield "… " + " ".join(parts) + " …"


def format_history(article_id: int, url: str, versions: Sequence[Version]) -> Iterator[str]:
    yield f"article {article_id} ({url}): {len(versions)} version(s)"
    for number, version in enumerate(versions, 1):
        label = "current" if version.until is None else f"replaced {_when(version.until)}"
        yield (
            f"v{number}  stored {_when(version.since)}  {label}  "
            f"modified {_when(version.modified)}  {len(version.text.split())} words  "
            f"{version.title or '(untitled)'}"
        )
        if number > 1:
            previous = versions[number - 2]
            if previous.title != version.title:
                yield f"    title: [-{previous.title}-] {{+{version.title}+}}"
            for line in word_diff(previous.text, version.text):
                yield f"    {line}"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"
