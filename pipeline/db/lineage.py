"""Where an article came from and what became of it: stories, sightings and versions.

These run inside the writer's batch transaction (``pipeline.db.batch``), after the batch's
articles are inserted or updated:

- **versions**: before a changed text overwrites an article, its previous text, title and
  modified time are kept in ``article_versions``. A change of digits alone (a view counter,
  a "3 minutes ago") is no new version: the article is only touched.
- **sightings**: every URL an article's text was seen under, with that page's own source,
  title and publication time, so an exact copy from another site keeps its credits.
- **stories**: a new article joins the story of its closest stored near copy (MinHash band
  keys, confirmed by the full signature); otherwise it starts a story. Assignment runs
  under a transaction-level advisory lock, so two writers storing copies of one story at
  the same moment see each other's rows and end in one story.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from pipeline.db.locks import STORY_LOCK
from pipeline.dedup.fingerprint import normalize_text
from pipeline.dedup.minhash import STORY_SIMILARITY, similarity

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class ReplacedText:
    """A stored article whose text a staged record is about to replace."""

    article_id: int
    canonical_url: str
    substantive: bool


def words_changed(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed) between two texts, by a word-level diff."""
    before, after = old.split(), new.split()
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            removed += i2 - i1
        if op in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def substantive_change(old: str, new: str) -> bool:
    """Whether two texts differ in more than digits (counters, relative times) and spacing."""
    return _DIGITS.sub("", normalize_text(old)) != _DIGITS.sub("", normalize_text(new))


# Rows whose staged text differs from the stored one, locked until the transaction ends so
# the version kept is the text the update replaces.
_REPLACED = """
SELECT a.id, a.canonical_url, a.title, a.text, a.modified, a.content_hash, a.updated_at,
       s.text
FROM articles a JOIN newsmill_staging s ON a.canonical_url = s.canonical_url
WHERE a.content_hash IS DISTINCT FROM s.content_hash
  AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.content_hash = s.content_hash)
FOR UPDATE OF a
"""

_INSERT_VERSIONS = """
INSERT INTO article_versions
    (article_id, title, text, modified, content_hash, valid_from, words_added, words_removed)
SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[], %s::text[],
                     %s::timestamptz[], %s::int[], %s::int[])
"""


def keep_replaced_versions(cur: psycopg.Cursor[Any]) -> list[ReplacedText]:
    """Save the texts the staged records replace; report which changes are substantive.

    Call it with the round's records in ``newsmill_staging``, before the update. Rows whose
    change is not substantive get no version; the caller leaves them out of the update.
    """
    cur.execute(_REPLACED)
    replaced: list[ReplacedText] = []
    columns: list[list[Any]] = [[] for _ in range(8)]
    for article_id, canonical, title, old, modified, content_hash, since, new in cur.fetchall():
        substantive = substantive_change(old, new)
        replaced.append(ReplacedText(article_id, canonical, substantive))
        if not substantive:
            continue
        added, removed = words_changed(old, new)
        for column, value in zip(
            columns,
            (article_id, title, old, modified, content_hash, since, added, removed),
            strict=True,
        ):
            column.append(value)
    if columns[0]:
        cur.execute(_INSERT_VERSIONS, columns)
    return replaced


@dataclass(frozen=True, slots=True)
class Sighting:
    article_id: int
    source: str | None
    url: str
    title: str | None
    published: datetime | None


# A URL keeps one sighting: a re-crawl refreshes its title and time, and a URL whose text
# now equals another article's moves to that article.
_UPSERT_SIGHTINGS = """
INSERT INTO sightings AS g (article_id, source_id, url, title, published)
SELECT u.article_id, src.id, u.url, u.title, u.published
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::timestamptz[])
    AS u(article_id, source, url, title, published)
LEFT JOIN sources src ON src.name = u.source
ORDER BY u.url
ON CONFLICT (url) DO UPDATE SET
    article_id = EXCLUDED.article_id,
    source_id = COALESCE(EXCLUDED.source_id, g.source_id),
    title = COALESCE(EXCLUDED.title, g.title),
    published = COALESCE(EXCLUDED.published, g.published)
WHERE (g.article_id, g.title, g.published)
      IS DISTINCT FROM (EXCLUDED.article_id, EXCLUDED.title, EXCLUDED.published)
"""


def record_sightings(cur: psycopg.Cursor[Any], sightings: Sequence[Sighting]) -> None:
    if not sightings:
        return
    unique = {s.url: s for s in sightings}  # one row per URL in one statement
    cur.execute(
        _UPSERT_SIGHTINGS,
        (
            [s.article_id for s in unique.values()],
            [s.source for s in unique.values()],
            list(unique),
            [s.title for s in unique.values()],
            [s.published for s in unique.values()],
        ),
    )


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """A stored or just-written article's story signature."""

    article_id: int
    minhash: bytes
    bands: tuple[int, ...]


# The stored articles sharing the most band keys with each fresh one, at most
# CANDIDATES_PER_ARTICLE of them: a near copy shares several of its 32 bands (10 on average
# at J = 0.75), an unrelated text at most one by chance. Each band key contributes only its
# BAND_FANOUT newest articles (a backward scan of the primary key), so a site whose pages
# share a big block of boilerplate, or a story with thousands of copies, costs a lookup no
# more than any other text.
CANDIDATES_PER_ARTICLE = 8
BAND_FANOUT = 8
_FIND_CANDIDATES = """
SELECT c.article_id, a.id, a.minhash, a.story_id
FROM (
    SELECT f.article_id, b.article_id AS other,
           row_number() OVER (PARTITION BY f.article_id
                              ORDER BY count(*) DESC, b.article_id) AS rank
    FROM unnest(%(owners)s::bigint[], %(keys)s::bigint[]) AS f(article_id, band_key)
    CROSS JOIN LATERAL (
        SELECT s.article_id FROM story_bands s
        WHERE s.band_key = f.band_key AND s.article_id <> f.article_id
        ORDER BY s.article_id DESC LIMIT %(fanout)s
    ) b
    GROUP BY f.article_id, b.article_id
) c
JOIN articles a ON a.id = c.other
WHERE c.rank <= %(top)s AND a.story_id IS NOT NULL AND a.minhash IS NOT NULL
"""

_NEW_STORIES = "INSERT INTO stories (created) SELECT now() FROM generate_series(1, %s) RETURNING id"

_SET_STORIES = """
UPDATE articles a SET story_id = u.story_id
FROM unnest(%s::bigint[], %s::bigint[]) AS u(article_id, story_id) WHERE a.id = u.article_id
"""


def assign_stories(
    cur: psycopg.Cursor[Any], fresh: Sequence[StoryCandidate], *, join_existing: bool = True
) -> dict[int, int]:
    """Put each fresh article in the story of its closest near copy, or in a new story.

    Returns article id -> story id. Articles with an empty signature (no text) each get a
    story of their own and no bands. With ``join_existing`` false (a text that changed),
    only the band rows are replaced and the story is kept.
    """
    if not fresh:
        return {}
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (STORY_LOCK,))
    if not join_existing:
        # A changed text: its old band keys go, the story stays. (A new article has none.)
        ids = [c.article_id for c in fresh]
        cur.execute("DELETE FROM story_bands WHERE article_id = ANY(%s)", (ids,))
        _insert_bands(cur, fresh)
        return {}
    keys: list[int] = []
    owners: list[int] = []
    for candidate in fresh:
        keys.extend(candidate.bands)
        owners.extend([candidate.article_id] * len(candidate.bands))
    matches: dict[int, list[tuple[int, bytes, int]]] = {}
    if keys:
        cur.execute(
            _FIND_CANDIDATES,
            {"owners": owners, "keys": keys, "fanout": BAND_FANOUT, "top": CANDIDATES_PER_ARTICLE},
        )
        for article_id, other_id, minhash, story_id in cur.fetchall():
            matches.setdefault(article_id, []).append((other_id, bytes(minhash), story_id))

    stories: dict[int, int] = {}
    # Earlier fresh articles of this batch by band key, so a copy in the same batch is found
    # without comparing every pair.
    placed: dict[int, list[StoryCandidate]] = {}
    needs_story: list[int] = []
    for candidate in fresh:
        best: tuple[float, int, int] | None = None  # (similarity, -article id, story)
        for other_id, minhash, story_id in matches.get(candidate.article_id, ()):
            best = _better(best, candidate, other_id, minhash, story_id)
        shared: dict[int, int] = {}
        earlier_by_id: dict[int, StoryCandidate] = {}
        for key in candidate.bands:
            for earlier in placed.get(key, ()):
                shared[earlier.article_id] = shared.get(earlier.article_id, 0) + 1
                earlier_by_id[earlier.article_id] = earlier
        for earlier_id in sorted(shared, key=lambda i: (-shared[i], i))[:CANDIDATES_PER_ARTICLE]:
            earlier = earlier_by_id[earlier_id]
            best = _better(best, candidate, earlier_id, earlier.minhash, stories[earlier_id])
        if best is not None:
            stories[candidate.article_id] = best[2]
        else:
            needs_story.append(candidate.article_id)
            stories[candidate.article_id] = -len(needs_story)  # placeholder, resolved below
        for key in candidate.bands:
            placed.setdefault(key, []).append(candidate)
    if needs_story:
        cur.execute(_NEW_STORIES, (len(needs_story),))
        new_ids = [row[0] for row in cur.fetchall()]
        resolved = {-(index + 1): story for index, story in enumerate(new_ids)}
        stories = {a: resolved.get(s, s) for a, s in stories.items()}
    cur.execute(_SET_STORIES, (list(stories), list(stories.values())))
    _insert_bands(cur, fresh)
    return stories


def _better(
    best: tuple[float, int, int] | None,
    candidate: StoryCandidate,
    other_id: int,
    minhash: bytes,
    story_id: int,
) -> tuple[float, int, int] | None:
    if not candidate.minhash or len(minhash) != len(candidate.minhash):
        return best
    score = similarity(candidate.minhash, minhash)
    if score < STORY_SIMILARITY:
        return best
    # The closest copy wins; among equals, the oldest article (lowest id).
    mine = (score, -other_id, story_id)
    return mine if best is None or mine[:2] > best[:2] else best


def _insert_bands(cur: psycopg.Cursor[Any], fresh: Sequence[StoryCandidate]) -> None:
    # COPY: a batch of 200 articles has 6,400 band rows. Every writer adds bands under the
    # story lock, after deleting the article's old ones, so no row can conflict.
    with cur.copy("COPY story_bands (band_key, article_id) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(("int8", "int8"))
        for candidate in fresh:
            for key in candidate.bands:
                copy.write_row((key, candidate.article_id))


def join_story_of(cur: psycopg.Cursor[Any], pairs: Sequence[tuple[int, int]]) -> None:
    """Article A's text became article B's: put A in B's story (pairs of (A, B))."""
    if not pairs:
        return
    cur.execute(
        """
        UPDATE articles a SET story_id = b.story_id
        FROM unnest(%s::bigint[], %s::bigint[]) AS u(changed, same), articles b
        WHERE a.id = u.changed AND b.id = u.same AND b.story_id IS NOT NULL
        """,
        ([a for a, _ in pairs], [b for _, b in pairs]),
    )
