"""Stories, sightings and versions, as the writer records them in PostgreSQL."""

from __future__ import annotations

import hashlib
import multiprocessing
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pipeline.db.lineage import substantive_change, words_changed
from pipeline.db.records import ArticleRecord, WriteOutcome
from pipeline.db.session import get_engine
from pipeline.db.writer import ArticleWriter
from pipeline.dedup.minhash import text_fingerprints
from pipeline.items import Article
from pipeline.stories import article_versions, format_history, list_stories
from tests.news_text import news_text
from tests.test_writer import rows, write


def article_record(
    url: str, text: str, *, source: str = "example", title: str = "Title", day: int = 1
) -> ArticleRecord:
    prints = text_fingerprints(text)
    return ArticleRecord(
        source=source,
        url=url,
        canonical_url=url,
        content_hash=prints.content_hash,
        simhash=prints.simhash,
        minhash=prints.story.minhashes,
        story_bands=prints.story.bands,
        article=Article(
            title=title,
            text=text,
            html=f"<p>{text}</p>",
            published=datetime(2026, 3, day, 12, 0, tzinfo=UTC),
            word_count=len(text.split()),
        ),
        http_status=200,
        fetched_at=datetime(2026, 3, day, tzinfo=UTC),
    )


def syndicated(text: str) -> str:
    """The most common syndication edit: a dateline, a credit line, the last paragraph gone."""
    paragraphs = text.split("\n")
    return (
        "CITY, Nov. 11 (Agency) -- "
        + "\n".join(paragraphs[:-1])
        + "\n(Reporting by A. Reporter; editing by B. Editor)"
    )


def story_of(engine: Engine, url: str) -> int:
    [(story,)] = rows(engine, "SELECT story_id FROM articles WHERE canonical_url = :u", u=url)
    assert story is not None
    return story


def test_every_article_gets_a_story_and_a_syndicated_copy_joins_it(
    clean_db: Engine, tmp_path: Path
) -> None:
    original = news_text(1)
    write(clean_db, [article_record("https://a.example/1", original)], tmp_path)
    write(
        clean_db,
        [
            article_record("https://b.example/x", syndicated(original), source="wire"),
            article_record("https://c.example/other", news_text(2), source="wire"),
        ],
        tmp_path,
    )
    first = story_of(clean_db, "https://a.example/1")
    assert story_of(clean_db, "https://b.example/x") == first  # the edited copy joins
    assert story_of(clean_db, "https://c.example/other") != first  # positive control
    assert rows(clean_db, "SELECT count(*) FROM stories") == [(2,)]
    # Each article's band keys are indexed for the next lookup.
    assert rows(clean_db, "SELECT count(DISTINCT article_id) FROM story_bands") == [(3,)]


def test_copies_in_one_batch_share_a_story(clean_db: Engine, tmp_path: Path) -> None:
    original = news_text(3)
    write(
        clean_db,
        [
            article_record("https://a.example/3", original),
            article_record("https://b.example/3", syndicated(original), source="wire"),
        ],
        tmp_path,
    )
    assert story_of(clean_db, "https://a.example/3") == story_of(clean_db, "https://b.example/3")


def test_an_exact_copy_is_a_sighting_with_its_own_title_date_and_source(
    clean_db: Engine, tmp_path: Path
) -> None:
    text = news_text(4)
    write(clean_db, [article_record("https://a.example/4", text, title="Original")], tmp_path)
    [result] = write(
        clean_db,
        [article_record("https://b.example/4", text, source="wire", title="Retitled", day=5)],
        tmp_path,
    )
    assert result.outcome is WriteOutcome.DUPLICATE_CONTENT
    seen = rows(
        clean_db,
        "SELECT g.url, g.title, g.published, s.name FROM sightings g "
        "JOIN sources s ON s.id = g.source_id ORDER BY g.url",
    )
    assert [(u, t, s) for u, t, _, s in seen] == [
        ("https://a.example/4", "Original", "example"),
        ("https://b.example/4", "Retitled", "wire"),
    ]
    assert seen[1][2] == datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    assert rows(clean_db, "SELECT count(*) FROM articles") == [(1,)]
    [story] = list_stories(clean_db, min_sources=2)
    assert story.sources == ("example", "wire") and story.sightings == 2


def test_a_changed_text_keeps_the_previous_version(clean_db: Engine, tmp_path: Path) -> None:
    url = "https://a.example/5"
    first = news_text(5)
    write(clean_db, [article_record(url, first, title="Before")], tmp_path)
    second = (
        first.replace("council", "assembly", 3)
        + "\nCorrection: an earlier version misnamed the body."
    )
    [result] = write(clean_db, [article_record(url, second, title="After")], tmp_path)
    assert result.outcome is WriteOutcome.UPDATED
    [(title, text, added, removed)] = rows(
        clean_db,
        "SELECT title, text, words_added, words_removed FROM article_versions",
    )
    assert (title, text) == ("Before", first)
    assert added == 3 + 7 and removed == 3  # three words replaced, a 7-word line added
    assert rows(clean_db, "SELECT title, text FROM articles") == [("After", second)]
    article_id, versions = article_versions(clean_db, url)
    assert [v.title for v in versions] == ["Before", "After"]
    history = "\n".join(format_history(article_id, url, versions))
    assert "[-council-] {+assembly+}" in history and "{+Correction:" in history


def test_a_counter_change_is_not_a_version(clean_db: Engine, tmp_path: Path) -> None:
    url = "https://a.example/6"
    text = news_text(6)
    write(clean_db, [article_record(url, text + "\nRead 1,204 times")], tmp_path)
    [result] = write(clean_db, [article_record(url, text + "\nRead 1,377 times")], tmp_path)
    assert result.outcome is WriteOutcome.UNCHANGED
    assert rows(clean_db, "SELECT count(*) FROM article_versions") == [(0,)]
    # Positive control: a word changed is a version.
    [result] = write(clean_db, [article_record(url, text + "\nRead many times")], tmp_path)
    assert result.outcome is WriteOutcome.UPDATED
    assert rows(clean_db, "SELECT count(*) FROM article_versions") == [(1,)]


def test_a_text_that_becomes_another_articles_text_joins_its_story(
    clean_db: Engine, tmp_path: Path
) -> None:
    a, b = news_text(7), news_text(8)
    write(
        clean_db,
        [article_record("https://a.example/7", a), article_record("https://a.example/8", b)],
        tmp_path,
    )
    assert story_of(clean_db, "https://a.example/7") != story_of(clean_db, "https://a.example/8")
    [result] = write(clean_db, [article_record("https://a.example/8", a)], tmp_path)
    assert result.outcome is WriteOutcome.DUPLICATE_CONTENT  # no unique violation, no merge
    assert rows(clean_db, "SELECT count(*) FROM articles") == [(2,)]
    assert story_of(clean_db, "https://a.example/7") == story_of(clean_db, "https://a.example/8")


def test_word_level_change_measures() -> None:
    assert words_changed("a b c d", "a x c d e") == (2, 1)
    assert not substantive_change("Viewed 12 times. Body.", "Viewed 13 times.  Body.")
    assert substantive_change("Viewed 12 times. Body.", "Viewed 12 times. Other body.")


def _write_copy(url: str, source: str, text: str, spool: str, barrier) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(url)
    writer = ArticleWriter(engine, spool_dir=Path(spool))
    barrier.wait()
    writer.add(article_record(f"https://{source}.example/copy", text, source=source))
    writer.close()
    engine.dispose()


def test_two_processes_storing_copies_at_once_end_in_one_story(
    clean_db: Engine, database_url: str, tmp_path: Path
) -> None:
    original = news_text(9)
    copies = [syndicated(original), original.replace("\n", "\n\n") + "\nAll rights reserved."]
    context = multiprocessing.get_context("spawn")
    for attempt in range(3):  # several races, not one lucky timing
        barrier = context.Barrier(2)
        workers = [
            context.Process(
                target=_write_copy,
                args=(
                    database_url,
                    f"s{attempt}{n}",
                    copies[n] + f"\nDistributed by partner {'abc'[attempt]}.",
                    str(tmp_path / "spool"),
                    barrier,
                ),
            )
            for n in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
            assert worker.exitcode == 0
    stories = rows(clean_db, "SELECT DISTINCT story_id FROM articles")
    assert len(stories) == 1, stories
    assert rows(clean_db, "SELECT count(*) FROM articles") == [(6,)]


def test_spooled_records_keep_their_story_signature() -> None:
    from pipeline.db.records import record_from_json, record_to_json

    made = article_record("https://a.example/10", news_text(10))
    back = record_from_json(record_to_json(made))
    assert back == made and back.minhash == made.minhash and back.story_bands == made.story_bands
    assert replace(made, minhash=None) != made
    assert (
        hashlib.sha256(back.minhash or b"").digest() == hashlib.sha256(made.minhash or b"").digest()
    )


def test_a_writer_waits_for_a_concurrent_story_assignment_to_commit(
    clean_db: Engine, tmp_path: Path
) -> None:
    """Deterministic race: batch A holds its transaction open after assigning its story;
    batch B, with a copy of the same story, must wait for A's commit and join A's story."""
    import threading
    import time

    from pipeline.db.batch import _write_batch

    original = news_text(11)
    proxy = clean_db.raw_connection()
    conn = proxy.driver_connection
    try:
        _write_batch(conn, [article_record("https://a.example/11", original)], 6)
        done = threading.Event()

        def other_writer() -> None:
            write(
                clean_db,
                [article_record("https://b.example/11", syndicated(original), source="wire")],
                tmp_path,
                near_duplicate_bits=0,  # only the story lock can make B wait
            )
            done.set()

        thread = threading.Thread(target=other_writer)
        thread.start()
        time.sleep(1.0)
        assert not done.is_set()  # B waits on A's story lock
        conn.commit()
        thread.join(30)
        assert done.is_set()
    finally:
        proxy.close()
    assert story_of(clean_db, "https://a.example/11") == story_of(clean_db, "https://b.example/11")


def test_stories_and_history_commands(
    clean_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli import main

    text = news_text(12)
    write(clean_db, [article_record("https://a.example/12", text, title="First")], tmp_path)
    write(
        clean_db,
        [article_record("https://b.example/12", syndicated(text), source="wire", day=2)],
        tmp_path,
    )
    write(clean_db, [article_record("https://a.example/12", text + "\nUpdate: more.")], tmp_path)
    write(clean_db, [article_record("https://c.example/solo", news_text(13))], tmp_path)
    assert main(["stories", "--min-sources", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2  # the header and the one story two sources ran
    assert "example, wire" in out[1] and "2026-03-01 12:00" in out[1]
    assert main(["history", "https://a.example/12"]) == 0
    out = capsys.readouterr().out
    assert "2 version(s)" in out and "{+Update: more.+}" in out
    assert main(["history", "https://nowhere.example/x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["newsmill: error: no stored article has the URL https://nowhere.example/x"]


def test_a_story_with_many_copies_costs_a_bounded_lookup(clean_db: Engine, tmp_path: Path) -> None:
    from pipeline.db import lineage

    original = news_text(14)
    copies = [
        article_record(f"https://s{n}.example/14", original + f"\nCredit line of outlet {'x' * n}.")
        for n in range(1, 41)
    ]
    write(clean_db, copies, tmp_path)
    assert len(rows(clean_db, "SELECT DISTINCT story_id FROM articles")) == 1
    probe = article_record("https://new.example/14", syndicated(original))
    proxy = clean_db.raw_connection()
    try:
        with proxy.driver_connection.cursor() as cur:
            cur.execute(
                lineage._FIND_CANDIDATES,
                {
                    "owners": [0] * len(probe.story_bands),
                    "keys": list(probe.story_bands),
                    "fanout": lineage.BAND_FANOUT,
                    "top": lineage.CANDIDATES_PER_ARTICLE,
                },
            )
            found = cur.fetchall()
    finally:
        proxy.close()
    # 40 stored copies share its bands; only the best few signatures are fetched.
    assert 1 <= len(found) <= lineage.CANDIDATES_PER_ARTICLE
    write(clean_db, [probe], tmp_path)
    assert len(rows(clean_db, "SELECT DISTINCT story_id FROM articles")) == 1
