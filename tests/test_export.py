"""`newsmill export`: JSON lines, CSV and Markdown files streamed from PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, insert, text

from pipeline.db.models import Article, Source
from pipeline.db.records import WriteOutcome
from pipeline.demo import write_demo_sources
from pipeline.export import (
    EXPORT_FIELDS,
    ExportQuery,
    export_articles,
    markdown_filename,
    parse_since,
    stream_articles,
)
from pipeline.extraction.render import JSON_FIELDS
from pipeline.fixtureweb import FixtureWeb
from pipeline.items import Article as ItemArticle
from pipeline.items import PageItem
from pipeline.user_errors import NewsmillError

ROOT = Path(__file__).resolve().parents[1]
# The front matter keys of the export format Newsmill's Markdown imitates
# (../shared/seeds/000_7eefd6fb0a7f33b1.txt).
SEED_KEYS = {"title", "categories", "headimg", "author", "comments", "date", "thumbnail"}


def _article(n: int, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "url": f"https://site.example/news/{n}.html",
        "canonical_url": f"https://site.example/news/{n}.html",
        "content_hash": f"{n:064x}",
        "title": f"Headline {n}",
        "text": f"Body of article {n}.",
        "html": f"<p>Body of article {n}.</p>",
        "authors": ["Jane Doe"],
        "published": datetime(2026, 11, n % 28 + 1, 9, 30, tzinfo=UTC),
        "language": "en",
        "images": [],
        "categories": [],
        "tags": [],
    }
    row.update(fields)
    return row


@pytest.fixture
def stored(clean_db: Engine) -> Engine:
    """Two sources; ledger's article 3 is a near copy of huxin's article 1; 4 has no date."""
    with clean_db.begin() as conn:
        huxin, ledger = conn.execute(
            insert(Source).returning(Source.id), [{"name": "huxin"}, {"name": "ledger"}]
        ).scalars()
        conn.execute(
            insert(Article),
            [
                _article(
                    1,
                    source_id=huxin,
                    title="为基层分忧，群策群力共度时艰",
                    authors=["趣头条"],
                    categories=["新媒体"],
                    tags=["分类"],
                    html='<p><img src="https://img.example/1.jpeg"></p><p>疫情下，远眺上海。</p>',
                    images=[{"src": "https://img.example/1.jpeg", "caption": "远眺", "alt": None}],
                    published=datetime(2022, 4, 6, 11, 45, 27, tzinfo=UTC),
                ),
                _article(2, source_id=huxin, published=datetime(2026, 11, 20, tzinfo=UTC)),
                _article(3, source_id=ledger, published=datetime(2026, 11, 21, tzinfo=UTC)),
                _article(4, source_id=ledger, published=None),
            ],
        )
        conn.execute(text("UPDATE articles SET near_duplicate_of = 1 WHERE id = 3"))
        # Stories: 1 and its copy 3 are one, 2 and 4 each a story of their own.
        conn.execute(text("INSERT INTO stories (id) VALUES (1), (2), (3)"))
        conn.execute(
            text("UPDATE articles SET story_id = CASE id WHEN 3 THEN 1 WHEN 4 THEN 3 ELSE id END")
        )
    return clean_db


def _jsonl(engine: Engine, wanted: ExportQuery, tmp_path: Path) -> list[dict[str, object]]:
    out = tmp_path / "out.jsonl"
    assert export_articles(engine, wanted, "jsonl", out) == len(out.read_text().splitlines())
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_jsonl_has_the_extract_fields_plus_source(stored: Engine, tmp_path: Path) -> None:
    rows = _jsonl(stored, ExportQuery(), tmp_path)
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    first = rows[0]
    # Every field of `newsmill extract`'s JSON that the database keeps (not credits, today).
    kept = [name for name in JSON_FIELDS if name in Article.__table__.columns]
    assert [name for name in first if name in JSON_FIELDS] == kept
    assert {"title", "text", "html", "authors", "published", "images"} <= set(kept)
    assert list(first) == list(EXPORT_FIELDS)
    assert first["title"] == "为基层分忧，群策群力共度时艰"
    assert first["source"] == "huxin" and first["authors"] == ["趣头条"]
    assert first["published"] == "2022-04-06T11:45:27+00:00"
    assert first["images"] == [
        {"src": "https://img.example/1.jpeg", "caption": "远眺", "alt": None}
    ]
    assert rows[2]["near_duplicate_of"] == 1
    # ensure_ascii off: readable UTF-8, not \u escapes
    assert "为基层" in (tmp_path / "out.jsonl").read_text(encoding="utf-8")


def test_filters_since_source_and_one_per_story(stored: Engine, tmp_path: Path) -> None:
    ids = lambda wanted: [r["id"] for r in _jsonl(stored, wanted, tmp_path)]  # noqa: E731
    assert ids(ExportQuery(source="ledger")) == [3, 4]
    assert ids(ExportQuery(one_per_story=True)) == [1, 2, 4]
    # Article 4 has no date: its first_seen (now) counts.
    assert ids(ExportQuery(since=parse_since("2026-11-21"))) == [3, 4]
    assert ids(ExportQuery(since=parse_since("2030-01-01"))) == []
    assert ids(
        ExportQuery(source="huxin", one_per_story=True, since=parse_since("2026-01-01"))
    ) == [2]


def test_unknown_source_and_bad_date_are_one_line_errors(stored: Engine, tmp_path: Path) -> None:
    with pytest.raises(NewsmillError, match=r"'nosuch' \(sources: huxin, ledger\)"):
        export_articles(stored, ExportQuery(source="nosuch"), "jsonl", tmp_path / "x.jsonl")
    with pytest.raises(NewsmillError, match="expected a date"):
        parse_since("last tuesday")
    with pytest.raises(NewsmillError, match="--out DIRECTORY"):
        export_articles(stored, ExportQuery(), "md", None)


def test_csv_round_trips(stored: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    export_articles(stored, ExportQuery(), "csv", out)
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["categories"] == "新媒体" and rows[0]["tags"] == "分类"
    assert json.loads(rows[0]["images"])[0]["src"] == "https://img.example/1.jpeg"
    assert rows[3]["published"] == "" and rows[2]["near_duplicate_of"] == "1"


def _front_matter(document: str) -> tuple[dict[str, object], str]:
    document = document.lstrip()
    assert document.startswith("---\n")
    head, body = document[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_markdown_files_are_shaped_like_the_seed_export(stored: Engine, tmp_path: Path) -> None:
    written = export_articles(stored, ExportQuery(source="huxin"), "md", tmp_path / "md")
    files = sorted((tmp_path / "md").iterdir())
    assert written == 2 and files[0].name == "000001_" + f"{1:064x}"[:16] + ".md"
    meta, body = _front_matter(files[0].read_text(encoding="utf-8"))
    assert set(meta) >= SEED_KEYS and body.lstrip().startswith("<div>")
    assert meta["title"] == "为基层分忧，群策群力共度时艰"
    assert meta["categories"] == ["新媒体", "分类"]
    assert meta["author"] == "趣头条"
    assert meta["date"] == "Wed, 06 Apr 2022 11:45:27 GMT"
    assert meta["headimg"] == meta["thumbnail"] == "https://img.example/1.jpeg"
    assert 'referrerpolicy="no-referrer"' in body and "<p>疫情下，远眺上海。</p>" in body


def test_progress_bar_counts_to_the_total(stored: Engine, tmp_path: Path) -> None:
    bar = io.StringIO()
    export_articles(stored, ExportQuery(), "jsonl", tmp_path / "x.jsonl", progress=bar)
    assert bar.getvalue().rstrip().endswith("4/4 articles (100%)")


def test_markdown_filename_sorts_in_storage_order(stored: Engine) -> None:
    names = [markdown_filename(a) for a in stream_articles(stored, ExportQuery())]
    assert names == sorted(names) and len(set(names)) == 4


# --- scale: constant memory ---------------------------------------------------------------

ROWS = 100_000
BODY_CHARS = 3000  # 100,000 rows × (text + html) ≈ 600 MB: far over the memory bound below
RSS_BOUND_MB = 200


@pytest.mark.slow
def test_export_of_100k_rows_streams_in_bounded_memory(
    clean_db: Engine, database_env: dict[str, str], tmp_path: Path
) -> None:
    _insert_generated(clean_db, ROWS, BODY_CHARS)
    out = tmp_path / "all.jsonl"
    # The child reports its own peak RSS (ru_maxrss is KB on Linux).
    script = (
        "import resource, sys; from pipeline.cli import main; "
        f"rc = main(['export', '--format', 'jsonl', '--out', {str(out)!r}]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr); "
        "sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=database_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    peak_mb = int(result.stderr.strip().splitlines()[-1])
    with out.open(encoding="utf-8") as stream:
        lines = sum(1 for _ in stream)
    assert lines == ROWS
    assert out.stat().st_size > 3 * RSS_BOUND_MB * 1024 * 1024  # the data would not fit
    assert peak_mb < RSS_BOUND_MB, f"peak RSS {peak_mb} MB"


# --- Scrapy's own feed exports ------------------------------------------------------------


@pytest.mark.slow
def test_scrapy_crawl_O_writes_one_clean_article_per_stored_page(
    clean_db: Engine, database_env: dict[str, str], fresh_web: FixtureWeb, tmp_path: Path
) -> None:
    write_demo_sources(fresh_web, tmp_path / "sources")
    out = tmp_path / "items.jsonl"
    args = ["-a", "source=ledger", "-a", f"sources_dir={tmp_path / 'sources'}", "-O", str(out)]
    args += ["-s", "LOG_LEVEL=INFO"]
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "source", *args],
        cwd=ROOT,
        env=database_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "not JSON serializable" not in result.stderr
    # The site's bait pages are dropped, each in one short line (not the page's HTML).
    drops = [line for line in result.stderr.splitlines() if "Dropped" in line]
    assert drops and all(len(line) < 400 and "Dropped (" in line for line in drops), drops
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with clean_db.connect() as conn:
        stored = set(conn.execute(text("SELECT canonical_url FROM articles")).scalars())
    assert stored, result.stderr[-3000:]
    # One line per page the store stage wrote; this first crawl stored each one new.
    assert {r["canonical_url"] for r in rows if r["outcome"] == "stored"} == stored
    outcomes = [r["outcome"] for r in rows]
    assert outcomes.count("stored") == len(stored), [(r["url"], r["outcome"]) for r in rows]
    assert set(outcomes) <= {"stored", "unchanged", "duplicate_content"}, outcomes
    for row in rows:
        assert set(row) >= {*JSON_FIELDS, "source", "outcome"}
        assert row["source"] == "ledger" and row["text"] and row["title"]
        assert not {"body", "headers", "hints"} & set(row)


def _feed_exporter(tmp_path: Path, store: bool = True) -> tuple[Any, list[dict[str, Any]]]:
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from pipeline.feeds import ArticleFeedExporter

    settings = {
        "FEEDS": {str(tmp_path / "x.jsonl"): {"format": "jsonlines"}},
        "NEWSMILL_STORE_ENABLED": store,
    }
    exporter = ArticleFeedExporter.from_crawler(get_crawler(Spider, settings))
    exported: list[dict[str, Any]] = []
    exporter.item_scraped = lambda item, spider: exported.append(item)  # type: ignore[method-assign]
    exporter._spider = Spider("t")
    return exporter, exported


def _scraped_page(n: int) -> PageItem:
    url = f"https://site.example/{n}"
    article = ItemArticle(url=url, title=f"T{n}", text="x", credits=["责任编辑：王"])
    return PageItem(url=url, body=b"<html>", source="s", article=article, canonical_url=url)


def _written(page: PageItem, outcome: WriteOutcome) -> Any:
    return SimpleNamespace(
        record=SimpleNamespace(canonical_url=page.canonical_url),
        outcome=outcome,
        near_duplicate_of=None,
    )


def test_feed_records_pair_pages_with_write_results_in_either_order(tmp_path: Path) -> None:
    exporter, exported = _feed_exporter(tmp_path)
    spider = exporter._spider
    first, second, third = _scraped_page(1), _scraped_page(2), _scraped_page(3)
    exporter.page_scraped(first, spider)  # the page, then its result
    assert exported == []
    exporter.article_written(_written(first, WriteOutcome.STORED))
    exporter.article_written(_written(second, WriteOutcome.UNCHANGED))  # the result first
    exporter.page_scraped(second, spider)
    exporter.page_scraped(third, spider)  # no result comes: spooled or refused
    exporter.export_unwritten(spider)
    assert [(r["url"], r["outcome"]) for r in exported] == [
        (first.url, "stored"),
        (second.url, "unchanged"),
        (third.url, "not_written"),
    ]
    assert exported[0]["credits"] == ["责任编辑：王"] and exported[0]["source"] == "s"
    assert set(exported[0]) == {*JSON_FIELDS, "source", "outcome", "near_duplicate_of"}
    assert not isinstance(exported[0]["title"], bytes)

    # With the store stage off, each extracted page is exported at once.
    exporter, exported = _feed_exporter(tmp_path, store=False)
    exporter.page_scraped(_scraped_page(4), exporter._spider)
    assert [r["outcome"] for r in exported] == ["not_stored"]


def _insert_generated(engine: Engine, rows: int, body_chars: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (url, canonical_url, content_hash, title, text, html) "
                "SELECT 'https://s.example/' || i, 'https://s.example/' || i, md5(i::text), "
                "'Headline ' || i, repeat(md5(i::text), :n / 32), "
                "'<p>' || repeat(md5((-i)::text), :n / 32) || '</p>' "
                "FROM generate_series(1, :rows) AS i"
            ),
            {"n": body_chars, "rows": rows},
        )


@pytest.mark.slow
def test_export_to_a_closed_pipe_ends_quietly(
    clean_db: Engine, database_env: dict[str, str]
) -> None:
    _insert_generated(clean_db, rows=2000, body_chars=1000)  # ≈ 4 MB: more than a pipe holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "export", "--format", "jsonl"],
        cwd=ROOT,
        env=database_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert json.loads(proc.stdout.readline())["id"] == 1
    proc.stdout.close()  # `| head -1`
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in proc.stderr.read()
