"""ArticleWriter: outcomes decided by the database, batching, concurrency, and surviving outages."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from pipeline.db.records import (
    ARTICLE_FIELDS,
    ArticleRecord,
    WriteOutcome,
    column_values,
    record_from_json,
    record_to_json,
)
from pipeline.db.scratch import create_database, drop_database
from pipeline.db.session import get_engine, upgrade
from pipeline.db.writer import ArticleWriter, StorageUnavailable
from pipeline.items import Article, Image
from tests.plugins.db import allow_connections

REPO = Path(__file__).resolve().parent.parent


def record(
    n: int, body: str | None = None, *, canonical: str | None = None, **extra
) -> ArticleRecord:
    body = body if body is not None else f"Article number {n} body text. " * 20
    canonical = canonical or f"https://news.example/a/{n}.html"
    made = ArticleRecord(
        source="example",
        url=canonical + "?utm_source=rss",
        canonical_url=canonical,
        url_keys=(canonical, canonical.replace("https://", "http://")),
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        article=Article(
            title=f"Title {n}",
            text=body,
            html=f"<p>{body}</p>",
            authors=["Jane Doe"],
            published=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
            images=[Image(src=f"https://news.example/{n}.jpg", caption="A caption")],
            word_count=len(body.split()),
        ),
        http_status=200,
        fetched_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    return changed(made, **extra)


def changed(made: ArticleRecord, **changes) -> ArticleRecord:
    """``made`` with some fields changed, the article's own fields in its article."""
    own = {k: v for k, v in changes.items() if k not in ARTICLE_FIELDS}
    article = {k: v for k, v in changes.items() if k in ARTICLE_FIELDS}
    return replace(made, article=replace(made.article, **article), **own)


def rows(engine: Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def write(engine: Engine, records: list[ArticleRecord], tmp_path: Path, **kwargs):
    writer = ArticleWriter(engine, spool_dir=tmp_path / "spool", **kwargs)
    for item in records:
        writer.add(item)
    return writer.close()


def test_new_article_is_stored_with_all_urls(clean_db: Engine, tmp_path: Path) -> None:
    first = record(1)
    [result] = write(clean_db, [first], tmp_path)
    assert result.outcome is WriteOutcome.STORED
    [(canonical, authors, images, source)] = rows(
        clean_db,
        "SELECT a.canonical_url, a.authors, a.images, s.name"
        " FROM articles a JOIN sources s ON s.id = a.source_id",
    )
    assert canonical == first.canonical_url
    assert authors == ["Jane Doe"]
    assert images == [{"src": "https://news.example/1.jpg", "caption": "A caption", "alt": None}]
    assert source == "example"
    urls = {url for (url,) in rows(clean_db, "SELECT url FROM article_urls")}
    assert urls == set(first.all_urls())
    assert len(urls) == 3


def test_recrawl_outcomes(clean_db: Engine, tmp_path: Path) -> None:
    original = record(1)
    [stored] = write(clean_db, [original], tmp_path)
    [(seen_before,)] = rows(clean_db, "SELECT last_seen FROM articles")

    [again] = write(clean_db, [original], tmp_path)
    assert again.outcome is WriteOutcome.UNCHANGED
    assert again.article_id == stored.article_id
    [(seen_after, updated_at, first_seen)] = rows(
        clean_db, "SELECT last_seen, updated_at, first_seen FROM articles"
    )
    assert seen_after > seen_before
    assert updated_at == first_seen  # the body was not rewritten

    corrected = record(1, "A corrected version of the article. " * 20)
    [updated] = write(clean_db, [corrected], tmp_path)
    assert updated.outcome is WriteOutcome.UPDATED
    assert updated.article_id == stored.article_id
    [(body, content_hash)] = rows(clean_db, "SELECT text, content_hash FROM articles")
    assert body == corrected.article.text
    assert content_hash == corrected.content_hash


def test_same_text_under_another_url_is_stored_once(clean_db: Engine, tmp_path: Path) -> None:
    original = record(1)
    copy = record(2, original.article.text)  # another canonical URL, identical text
    [stored] = write(clean_db, [original], tmp_path)
    [duplicate] = write(clean_db, [copy], tmp_path)
    assert duplicate.outcome is WriteOutcome.DUPLICATE_CONTENT
    assert duplicate.article_id == stored.article_id
    assert rows(clean_db, "SELECT count(*) FROM articles") == [(1,)]
    mapped = dict(rows(clean_db, "SELECT url, article_id FROM article_urls"))
    for url in copy.all_urls():
        assert mapped[url] == stored.article_id


def test_duplicates_within_one_batch(clean_db: Engine, tmp_path: Path) -> None:
    a = record(1)
    a_again = record(1)
    b_same_text = record(2, a.article.text)
    c = record(3)
    a_changed = record(1, "Later the story was rewritten entirely. " * 20)
    results = write(clean_db, [a, a_again, b_same_text, c, a_changed], tmp_path, batch_size=50)
    assert [r.record for r in results] == [a, a_again, b_same_text, c, a_changed]
    outcomes = [r.outcome for r in results]
    assert outcomes[0] is WriteOutcome.STORED
    assert outcomes[1] is WriteOutcome.UNCHANGED
    assert outcomes[3] is WriteOutcome.STORED
    assert outcomes[4] is WriteOutcome.UPDATED
    assert results[4].article_id == results[0].article_id == results[1].article_id
    # a's first text is still stored exactly once: under a (rewritten) or b, never twice.
    hashes = [h for (h,) in rows(clean_db, "SELECT content_hash FROM articles")]
    assert len(hashes) == len(set(hashes))
    assert a_changed.content_hash in hashes
    canonicals = {u for (u,) in rows(clean_db, "SELECT canonical_url FROM articles")}
    assert {a.canonical_url, c.canonical_url} <= canonicals
    # Every URL of every record is mapped.
    urls = {u for (u,) in rows(clean_db, "SELECT url FROM article_urls")}
    assert urls == {u for r in (a, b_same_text, c) for u in r.all_urls()}


def test_batches_flush_by_size(clean_db: Engine, tmp_path: Path) -> None:
    writer = ArticleWriter(clean_db, batch_size=3, flush_seconds=3600, spool_dir=tmp_path)
    assert writer.add(record(1)) == []
    assert writer.add(record(2)) == []
    assert rows(clean_db, "SELECT count(*) FROM articles") == [(0,)]
    flushed = writer.add(record(3))
    assert [r.outcome for r in flushed] == [WriteOutcome.STORED] * 3
    assert writer.pending == 0
    assert writer.add(record(4)) == []
    assert [r.record.canonical_url for r in writer.close()] == [record(4).canonical_url]
    assert rows(clean_db, "SELECT count(*) FROM articles") == [(4,)]


def test_batches_flush_by_time(clean_db: Engine, tmp_path: Path) -> None:
    now = [100.0]
    writer = ArticleWriter(
        clean_db, batch_size=1000, flush_seconds=2.0, spool_dir=tmp_path, clock=lambda: now[0]
    )
    assert writer.add(record(1)) == []
    now[0] += 1.0
    assert writer.add(record(2)) == []
    assert writer.flush_if_due() == []
    now[0] += 1.5  # the oldest record has now waited 2.5 s
    assert len(writer.flush_if_due()) == 2
    assert writer.flush_if_due() == []
    assert writer.add(record(3)) == []
    now[0] += 2.0
    assert len(writer.add(record(4))) == 2  # an add past the deadline flushes too
    writer.close()


def test_a_row_the_server_rejects_costs_only_that_row(clean_db: Engine, tmp_path: Path) -> None:
    # A canonical URL too large for a btree index entry: the server refuses that one row.
    huge = record(2, canonical="https://news.example/" + secrets.token_hex(5000))
    writer = ArticleWriter(clean_db, batch_size=10, spool_dir=tmp_path)
    for item in (record(1), huge, record(3), record(4)):
        writer.add(item)
    results = writer.close()
    assert [r.record for r in results] == [record(1), record(3), record(4)]
    assert writer.rejected == 1
    assert rows(clean_db, "SELECT count(*) FROM articles") == [(3,)]
    assert list(tmp_path.iterdir()) == []  # rejected rows are not spooled for ever-failing replays


def test_nul_characters_are_dropped(clean_db: Engine, tmp_path: Path) -> None:
    dirty = changed(
        record(1, "Body with a stray \x00 NUL from a broken page. " * 10), title="T\x00itle"
    )
    [result] = write(clean_db, [dirty], tmp_path)
    assert result.outcome is WriteOutcome.STORED
    [(title, body)] = rows(clean_db, "SELECT title, text FROM articles")
    assert title == "Title"
    assert "\x00" not in body and "stray  NUL" in body


def test_spool_round_trip_keeps_every_field() -> None:
    original = record(7, source_name="来源：上观新闻", simhash=-(2**62), modified=None)
    assert record_from_json(record_to_json(original)) == original


def test_a_spool_line_from_before_records_carried_an_article_is_read() -> None:
    line = json.dumps(
        {
            "source": "example", "url": "https://a/1", "canonical_url": "https://a/1",
            "content_hash": "h", "url_keys": ["https://a/1"], "title": "Old", "text": "Body",
            "authors": ["Jane"], "published": "2026-03-01T12:00:00+00:00",
            "images": [{"src": "https://a/1.jpg", "caption": None, "alt": None}],
            "simhash": 5, "fetched_at": "2026-03-02T00:00:00+00:00",
        }
    )  # fmt: skip
    old = record_from_json(line)
    assert old.article.title == "Old" and old.article.authors == ["Jane"]
    assert old.article.published == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert old.article.images == [Image(src="https://a/1.jpg")]
    assert old.simhash == 5 and old.fetched_at == datetime(2026, 3, 2, tzinfo=UTC)


def test_every_stored_article_field_reaches_its_column(clean_db: Engine, tmp_path: Path) -> None:
    full = changed(
        record(1),
        lead="The lead.",
        modified=datetime(2026, 3, 1, 13, tzinfo=UTC),
        language="en",
        categories=["world"],
        tags=["ferries"],
        source_name="Wire",
        etag='"e1"',
        last_modified="Sun, 01 Mar 2026 13:00:00 GMT",
        simhash=42,
    )
    for name in ARTICLE_FIELDS:  # a field left at its default would prove nothing
        assert getattr(full.article, name) != getattr(Article(), name), name
    write(clean_db, [full], tmp_path)
    [row] = rows(clean_db, f"SELECT {', '.join(ARTICLE_FIELDS)} FROM articles")
    expected = column_values(full)
    assert dict(zip(ARTICLE_FIELDS, row, strict=True)) == {k: expected[k] for k in ARTICLE_FIELDS}


_CONCURRENT_WRITER = """
import json, random, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.test_writer import record
from pipeline.db.session import get_engine
from pipeline.db.writer import ArticleWriter

seed, go = int(sys.argv[1]), Path(sys.argv[2])
records = [record(n) for n in range(240)]
records += [record(1000 + n, records[n].article.text) for n in range(0, 240, 4)]  # same text, other URL
random.Random(seed).shuffle(records)
engine = get_engine({url!r})
writer = ArticleWriter(engine, batch_size=20, flush_seconds=60, spool_dir=Path(sys.argv[3]))
while not go.exists():
    time.sleep(0.005)
results = []
for item in records:
    results += writer.add(item)
results += writer.close()
print(json.dumps([[r.outcome.value, r.record.canonical_url, r.article_id] for r in results]))
"""


@pytest.mark.slow
def test_two_processes_store_each_article_once(
    clean_db: Engine, database_url: str, tmp_path: Path
) -> None:
    script = _CONCURRENT_WRITER.format(repo=str(REPO), url=database_url)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(seed), str(go), str(tmp_path / f"spool{seed}")],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    time.sleep(1.5)  # both imported and waiting, so their batches overlap
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out.strip().splitlines()[-1]))

    assert rows(clean_db, "SELECT count(*), count(DISTINCT content_hash) FROM articles") == [
        (240, 240)
    ]
    outcomes = Counter(outcome for output in outputs for outcome, _, _ in output)
    assert sum(outcomes.values()) == 2 * 300
    assert outcomes["stored"] == 240  # each article stored by exactly one of the two
    assert outcomes["updated"] == 0
    assert outcomes["unchanged"] + outcomes["duplicate_content"] == 600 - 240
    # Both processes agree on every article's id.
    ids = {}
    for output in outputs:
        for _, canonical, article_id in output:
            assert ids.setdefault(canonical, article_id) == article_id
    assert rows(clean_db, "SELECT count(*) FROM article_urls") == [(300 * 3,)]


def test_terminated_connection_is_replaced(own_db: tuple[str, str], tmp_path: Path) -> None:
    url, name = own_db
    engine = get_engine(url)
    writer = ArticleWriter(engine, batch_size=2, spool_dir=tmp_path, retry_backoff=0.01)
    assert len(writer.add(record(1)) + writer.add(record(2))) == 2
    killer = create_engine(url, poolclass=NullPool)
    with killer.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        ).scalar()
    killer.dispose()
    assert killed >= 1  # the writer's pooled connection is now dead
    writer.add(record(3))
    assert [r.outcome for r in writer.add(record(4))] == [WriteOutcome.STORED] * 2
    assert list(tmp_path.iterdir()) == []
    engine.dispose()


def test_outage_spools_and_next_writer_replays(
    own_db: tuple[str, str], database_server: str, tmp_path: Path
) -> None:
    url, name = own_db
    spool = tmp_path / "spool"
    engine = get_engine(url, connect_args={"connect_timeout": 2})
    writer = ArticleWriter(engine, batch_size=3, spool_dir=spool, retries=2, retry_backoff=0.01)
    assert len(writer.add(record(1)) + writer.add(record(2)) + writer.add(record(3))) == 3

    allow_connections(database_server, name, False)  # the database goes away mid-crawl
    writer.add(record(4))
    writer.add(record(5))
    with pytest.raises(StorageUnavailable) as info:
        writer.add(record(6))
    assert info.value.count == 3
    assert info.value.path.parent == spool
    assert "spooled" in str(info.value)
    spooled = [record_from_json(line) for line in info.value.path.read_text().splitlines()]
    assert spooled == [record(4), record(5), record(6)]
    engine.dispose()

    allow_connections(database_server, name, True)
    engine = get_engine(url)
    replaying = ArticleWriter(engine, batch_size=10, spool_dir=spool)
    results = replaying.add(record(7)) + replaying.close()
    assert sorted(r.record.canonical_url for r in results) == sorted(
        record(n).canonical_url for n in (4, 5, 6, 7)
    )
    assert {r.outcome for r in results} == {WriteOutcome.STORED}
    assert list(spool.iterdir()) == []
    assert rows(engine, "SELECT count(*) FROM articles") == [(7,)]
    engine.dispose()


def test_times_without_zone_are_stored_as_utc(clean_db: Engine, tmp_path: Path) -> None:
    naive = changed(
        record(1), published=datetime(2026, 3, 1, 8, 30), fetched_at=datetime(2026, 3, 2)
    )
    write(clean_db, [naive], tmp_path)
    write(clean_db, [naive], tmp_path)  # the re-crawl path sets fetched_at too
    [(published, fetched_at)] = rows(clean_db, "SELECT published, fetched_at FROM articles")
    assert published == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert fetched_at == datetime(2026, 3, 2, tzinfo=UTC)


def test_missing_schema_spools_instead_of_dropping(database_server: str, tmp_path: Path) -> None:
    name = f"newsmill_noschema_{os.getpid()}"
    url = create_database(database_server, name)  # never upgraded
    try:
        engine = get_engine(url)
        writer = ArticleWriter(engine, batch_size=2, spool_dir=tmp_path, retry_backoff=0.01)
        writer.add(record(1))
        with pytest.raises(StorageUnavailable, match="newsmill db upgrade") as info:
            writer.add(record(2))
        assert info.value.count == 2
        assert writer.rejected == 0
        upgrade(url)
        replayed = ArticleWriter(engine, spool_dir=tmp_path).close()
        assert [r.outcome for r in replayed] == [WriteOutcome.STORED] * 2
        engine.dispose()
    finally:
        drop_database(database_server, name)


def test_add_all_queues_every_record_through_an_outage(
    database_server: str, tmp_path: Path
) -> None:
    # The store stage hands records over in chunks: a batch spooled mid-chunk must not
    # leave the rest of the chunk behind.
    name = f"newsmill_addall_{os.getpid()}"
    url = create_database(database_server, name)  # no schema: every write spools
    try:
        engine = get_engine(url)
        writer = ArticleWriter(engine, batch_size=2, spool_dir=tmp_path, retry_backoff=0.01)
        with pytest.raises(StorageUnavailable) as info:
            writer.add_all([record(1), record(2), record(3)])
        assert info.value.count == 2 and writer.pending == 1
        with pytest.raises(StorageUnavailable):
            writer.close()
        upgrade(url)
        replayed = ArticleWriter(engine, spool_dir=tmp_path).close()
        assert sorted(r.record.canonical_url for r in replayed) == sorted(
            record(n).canonical_url for n in (1, 2, 3)
        )
        engine.dispose()
    finally:
        drop_database(database_server, name)


def test_during_an_outage_later_batches_spool_without_backoff_and_recover(
    own_db: tuple[str, str], database_server: str, tmp_path: Path
) -> None:
    url, name = own_db
    spool = tmp_path / "spool"
    engine = get_engine(url, connect_args={"connect_timeout": 2})
    now = [0.0]
    waits: list[float] = []  # every backoff the writer asks for, instead of timing it
    writer = ArticleWriter(
        engine, batch_size=1, spool_dir=spool, retries=3, retry_backoff=0.2,
        clock=lambda: now[0], sleep=waits.append, outage_seconds=30.0,
    )  # fmt: skip
    assert len(writer.add(record(1))) == 1

    allow_connections(database_server, name, False)
    with pytest.raises(StorageUnavailable):
        writer.add(record(2))
    assert waits == [0.2, 0.4, 0.8]  # the first failure retries with exponential backoff
    for n in (3, 4, 5):  # within the outage window: one attempt each, no waiting
        with pytest.raises(StorageUnavailable):
            writer.add(record(n))
    assert waits == [0.2, 0.4, 0.8]
    assert len(list(spool.glob("spool-*.jsonl"))) == 4

    allow_connections(database_server, name, True)
    now[0] = 5.0  # still inside the window: one attempt, which now succeeds …
    assert [r.outcome for r in writer.add(record(6))] == [WriteOutcome.STORED]
    # … and the next flush writes what this writer spooled meanwhile.
    replayed = writer.flush()
    assert sorted(r.record.canonical_url for r in replayed) == sorted(
        record(n).canonical_url for n in (2, 3, 4, 5)
    )
    assert rows(engine, "SELECT count(*) FROM articles") == [(6,)]
    assert list(spool.iterdir()) == []
    engine.dispose()

    # After the window the first failure backs off again.
    allow_connections(database_server, name, False)
    now[0] = 100.0
    engine = get_engine(url, connect_args={"connect_timeout": 2})
    writer.engine = engine
    with pytest.raises(StorageUnavailable):
        writer.add(record(7))
    assert waits == [0.2, 0.4, 0.8] * 2
    allow_connections(database_server, name, True)
    engine.dispose()


# --- near duplicates (SimHash) ---------------------------------------------------------------

WIRE_STORY = """The regional transport authority approved a plan on Tuesday to restore the ferry
service to the outer islands after a two-year suspension that left hundreds of residents
dependent on a weekly supply boat. Under the plan, a refitted vessel will sail three times a
week from the harbour at Kirkwall, with extra crossings during the summer months when tourist
numbers peak. Officials said the service would cost about four million pounds a year, most of
it covered by a central government grant announced last spring. Island councillors welcomed
the decision but warned that the timetable still left families without a daily link to the
hospital and secondary school on the mainland. The authority's chair told reporters that a
feasibility study for a second vessel would be published before the end of the year, and that
fares would be frozen at their 2023 level for residents. Fishermen on the islands said the
suspension had forced them to sell their catch at lower prices to buyers who could collect it
by private boat. The first sailing is expected in April, weather permitting, once sea trials
of the refitted ship are complete and crew training has finished."""

OTHER_STORY = """Scientists monitoring a coral nursery off the northern reef reported that most of
the young colonies survived this year's marine heatwave, a result they described as far better
than feared. Water temperatures at the site stayed above the bleaching threshold for nearly six
weeks in February and March. Divers found that roughly seventy per cent of the transplanted
fragments had kept their colour, compared with fewer than a third on nearby wild reefs. The
team credits shading structures installed last year and the choice of heat-tolerant parent
corals collected from shallow lagoons. Funding for the nursery runs out next June, and the
researchers are asking the state government to extend it for another five years so that the
surviving colonies can be moved onto damaged sections of the reef."""


def story(n: int, body: str, source: str, title: str | None = None) -> ArticleRecord:
    from pipeline.dedup.fingerprint import simhash

    body = " ".join(body.split())
    title = title or ("Ferry service to return" if "ferry" in body else "Coral nursery survives")
    return changed(record(n, body), source=source, simhash=simhash(body), title=title)


def test_syndicated_copy_is_stored_and_marked_near_duplicate(
    clean_db: Engine, tmp_path: Path
) -> None:
    original = story(1, WIRE_STORY, "ledger")
    [first] = write(clean_db, [original], tmp_path)
    # Another source's copy: its own dateline and credit line, so a different content hash.
    copy = story(2, "KIRKWALL (Wire) - " + WIRE_STORY + " Reporting by the Wire desk.", "syndicate")
    unrelated = story(3, OTHER_STORY, "syndicate")
    results = write(clean_db, [copy, unrelated], tmp_path)
    by_n = {r.record.canonical_url: r for r in results}
    assert all(r.outcome is WriteOutcome.STORED for r in results)
    assert by_n[copy.canonical_url].near_duplicate_of == first.article_id
    assert by_n[unrelated.canonical_url].near_duplicate_of is None
    assert rows(clean_db, "SELECT canonical_url, near_duplicate_of FROM articles ORDER BY id") == [
        (original.canonical_url, None),
        (copy.canonical_url, first.article_id),
        (unrelated.canonical_url, None),
    ]


def test_near_copies_in_one_batch_point_at_the_first(clean_db: Engine, tmp_path: Path) -> None:
    first = story(1, WIRE_STORY, "ledger")
    # 4 bits from the original and no 16-bit quarter in common: found by its headline.
    second = story(2, WIRE_STORY + " Additional reporting by the Wire desk.", "syndicate")
    third = story(3, "UPDATED: " + WIRE_STORY, "exchange", title="Ferry link restored")
    # The same text as the second under another URL: a content duplicate, not a new row.
    same_text = replace(second, canonical_url="https://other.example/ferry", url_keys=())
    results = write(clean_db, [first, second, third, same_text], tmp_path)
    first_id = results[0].article_id
    assert [r.near_duplicate_of for r in results] == [None, first_id, first_id, None]
    assert results[3].outcome is WriteOutcome.DUPLICATE_CONTENT


def test_same_headline_alone_is_not_a_near_duplicate(clean_db: Engine, tmp_path: Path) -> None:
    one = story(1, WIRE_STORY, "ledger", title="Live updates")
    other = story(2, OTHER_STORY, "ledger", title="Live updates")
    # Positive control: a near copy under the same headline, in the same batch, is marked.
    copy = story(3, WIRE_STORY + " Reporting by the Wire desk.", "syndicate", title="Live updates")
    results = write(clean_db, [one, other, copy], tmp_path)
    assert [r.near_duplicate_of for r in results] == [None, None, results[0].article_id]


def test_near_duplicate_marking_can_be_turned_off(clean_db: Engine, tmp_path: Path) -> None:
    pair = [story(1, WIRE_STORY, "ledger"), story(2, WIRE_STORY + " More soon.", "syndicate")]
    results = write(clean_db, pair, tmp_path, near_duplicate_bits=0)
    assert [r.near_duplicate_of for r in results] == [None, None]
    assert rows(clean_db, "SELECT count(*) FROM articles WHERE near_duplicate_of IS NOT NULL") == [
        (0,)
    ]
    # Positive control: with marking on, another copy of the same story is marked.
    [marked] = write(clean_db, [story(3, WIRE_STORY + " More later.", "exchange")], tmp_path)
    assert marked.near_duplicate_of in {r.article_id for r in results}


def test_a_running_migration_does_not_block_near_duplicate_marking(
    clean_db: Engine, database_url: str, tmp_path: Path
) -> None:
    from pipeline.db.locks import MIGRATION_LOCK

    holder = create_engine(database_url, poolclass=NullPool)
    # lock_timeout: a writer that waits on the migration's lock fails in 3 s instead of hanging.
    engine = get_engine(database_url, connect_args={"options": "-c lock_timeout=3000"})
    try:
        with holder.connect() as conn:  # `newsmill db upgrade` holds this while it runs
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            pair = [story(1, WIRE_STORY, "ledger"), story(2, WIRE_STORY + " More.", "syndicate")]
            results = write(engine, pair, tmp_path)
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        assert results[1].near_duplicate_of == results[0].article_id
    finally:
        holder.dispose()
        engine.dispose()


def test_near_duplicate_candidates_are_found_through_the_quarter_indexes(
    clean_db: Engine, tmp_path: Path
) -> None:
    from pipeline.db.batch import _MARK_NEAR_DUPLICATES
    from pipeline.db.models import SIMHASH_QUARTERS

    [stored] = write(clean_db, [story(1, WIRE_STORY, "ledger")], tmp_path)
    proxy = clean_db.raw_connection()
    try:
        cur = proxy.cursor()
        cur.execute("SET enable_seqscan = off")  # few rows: make the planner show its options
        cur.execute("EXPLAIN " + _MARK_NEAR_DUPLICATES, {"ids": [stored.article_id], "bits": 6})
        plan = "\n".join(row[0] for row in cur.fetchall())
        proxy.rollback()
    finally:
        proxy.close()
    # An index is used only if the query spells its expression exactly as the index does.
    for index in SIMHASH_QUARTERS:
        assert index in plan, plan
