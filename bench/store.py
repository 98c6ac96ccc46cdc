"""Storage benchmark: the batched writer vs naive per-row ORM inserts, on new rows and on re-crawls.

    python bench/store.py [--rows 20000] [--text-bytes 5000]

Runs on the embedded server (or DATABASE_URL when set), in a fresh database it drops at
the end. Each timed run starts from the same table state:
  new rows  : 20,000 articles into empty tables;
  re-crawl  : 20,000 pages of which half are unchanged re-crawls of stored articles and
              half are new articles, on top of the 20,000 stored by the first phase.
The naive side is what a first implementation does with the ORM: per row ``session.add``
(re-crawls: look the canonical URL up first, touch or add), a commit every 500 rows.
Both sides write the same rows: the article, its source, and its URLs in article_urls.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.db.models import Article, ArticleUrl, Source
from pipeline.db.records import ArticleRecord, column_values
from pipeline.db.schema import metadata
from pipeline.db.scratch import scratch_database
from pipeline.db.session import get_engine
from pipeline.db.writer import ArticleWriter
from pipeline.items import Article as ItemArticle

NAIVE_COMMIT_EVERY = 500


def synthetic_articles(
    count: int, text_bytes: int, seed: int, id_offset: int = 0
) -> list[ArticleRecord]:
    """News-like records: ~text_bytes of prose each, drawn from a fixed vocabulary."""
    rng = random.Random(seed)
    # A Zipf-like vocabulary, as in real prose: a few words are very common, most are rare.
    # (Uniformly random words would not compress, and PostgreSQL would spend its time
    # trying to compress bodies that a real crawl compresses well.)
    vocabulary = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 10)))
        for _ in range(6000)
    ]
    cum_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))
    base = datetime(2026, 1, 1, tzinfo=UTC)
    records = []
    for n in range(id_offset, id_offset + count):
        paragraphs = []
        size = 0
        while size < text_bytes:
            sentence_words = rng.choices(
                vocabulary, cum_weights=cum_weights, k=rng.randint(60, 120)
            )
            paragraph = " ".join(sentence_words).capitalize() + "."
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        body = "\n\n".join(paragraphs)
        canonical = f"https://news.example/{n // 1000}/article-{n}.html"
        records.append(
            ArticleRecord(
                source="bench",
                url=canonical + "?utm_source=feed",
                canonical_url=canonical,
                url_keys=(canonical,),
                content_hash=hashlib.sha256(body.encode()).hexdigest(),
                article=ItemArticle(
                    title=f"Article {n}: "
                    + " ".join(rng.choices(vocabulary, cum_weights=cum_weights, k=8)),
                    text=body,
                    html="".join(f"<p>{p}</p>" for p in paragraphs),
                    lead=paragraphs[0][:300],
                    authors=["Jane Doe"],
                    published=base + timedelta(minutes=n),
                    language="en",
                    categories=["world"],
                    source_name="Bench News",
                    word_count=len(body.split()),
                ),
                simhash=rng.getrandbits(63),
                http_status=200,
                fetched_at=base + timedelta(days=30),
            )
        )
    return records


def _article_kwargs(record: ArticleRecord, source_id: int) -> dict[str, object]:
    # The same columns the writer fills, from the same function.
    return {"source_id": source_id, "canonical_url": record.canonical_url, **column_values(record)}


def _orm_article(record: ArticleRecord, source_id: int) -> Article:
    # Through the relationship the unit of work batches the inserts (insertmanyvalues).
    urls = [ArticleUrl(url=url) for url in record.all_urls()]
    return Article(**_article_kwargs(record, source_id), urls=urls)


def _source_id(session: Session, name: str) -> int:
    found = session.scalar(select(Source.id).where(Source.name == name))
    if found is None:
        source = Source(name=name)
        session.add(source)
        session.flush()
        found = source.id
    return found


def naive_orm(engine: Engine, records: list[ArticleRecord]) -> None:
    """Per-row ORM: add each article (and its URLs), commit every 500."""
    with Session(engine) as session:
        source_id = _source_id(session, "bench")
        for n, record in enumerate(records, 1):
            session.add(_orm_article(record, source_id))
            if n % NAIVE_COMMIT_EVERY == 0:
                session.commit()
        session.commit()


def naive_orm_recrawl(engine: Engine, records: list[ArticleRecord]) -> None:
    """Per-row ORM re-crawl: look the canonical URL up, touch it if unchanged, else add."""
    with Session(engine) as session:
        source_id = _source_id(session, "bench")
        for n, record in enumerate(records, 1):
            stored = session.scalar(
                select(Article).where(Article.canonical_url == record.canonical_url)
            )
            if stored is None:
                session.add(_orm_article(record, source_id))
            elif stored.content_hash == record.content_hash:
                stored.last_seen = func.now()
            else:
                for key, value in _article_kwargs(record, source_id).items():
                    setattr(stored, key, value)
            if n % NAIVE_COMMIT_EVERY == 0:
                session.commit()
        session.commit()


def writer(engine: Engine, records: list[ArticleRecord], spool_dir: Path) -> None:
    articles = ArticleWriter(engine, batch_size=200, flush_seconds=60.0, spool_dir=spool_dir)
    for record in records:
        articles.add(record)
    articles.close()


def truncate(engine: Engine) -> None:
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    vacuum(engine)


def vacuum(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def stored_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Article)).scalar_one()


@dataclass(frozen=True)
class Timing:
    label: str
    rows: int
    seconds: float
    cpu_seconds: float | None  # client + database backend CPU, when the server is local

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    @property
    def cpu_rate(self) -> float | None:
        return self.rows / self.cpu_seconds if self.cpu_seconds else None


def backend_cpu_seconds(engine: Engine) -> float | None:
    """CPU time of the server processes serving this database (None if not on this host)."""
    import psutil

    with engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).scalars()
        total = 0.0
        for pid in pids:
            try:
                process = psutil.Process(pid)
                if "postgres" not in process.name():
                    return None
                times = process.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                return None
            total += times.user + times.system
    return total


def timed(label: str, rows: int, engine: Engine, run: Callable[[], None]) -> Timing:
    """Wall time, and CPU time (this process + its backends): the machine is shared, and
    CPU time shows the work each method costs even when other load stretches wall time."""
    engine.dispose()  # fresh backends, so their CPU counters cover this run only
    cpu_start = time.process_time()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    client_cpu = time.process_time() - cpu_start
    server_cpu = backend_cpu_seconds(engine)
    cpu = client_cpu + server_cpu if server_cpu is not None else None
    timing = Timing(label, rows, seconds, cpu)
    cpu_text = f"  cpu {cpu:6.2f} s {timing.cpu_rate:7.0f} rows/cpu-s" if cpu else ""
    print(
        f"  {label:<34} {rows:>7} rows {seconds:7.2f} s {timing.rate:7.0f} rows/s{cpu_text}",
        flush=True,
    )
    return timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--text-bytes", type=int, default=5_000)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    first = synthetic_articles(args.rows, args.text_bytes, seed=1)
    half = args.rows // 2
    new_half = synthetic_articles(args.rows - half, args.text_bytes, seed=2, id_offset=args.rows)
    recrawl = [r for pair in zip(first[:half], new_half, strict=False) for r in pair]
    recrawl += new_half[half:] if len(new_half) > half else []
    mean_text = sum(len(r.article.text) for r in first) / len(first)
    print(
        f"generated {len(first)} + {len(new_half)} synthetic articles, mean text "
        f"{mean_text:.0f} chars, in {time.perf_counter() - started:.1f} s"
    )

    url, drop, where = scratch_database("newsmill_bench")
    print(f"database: {where}")
    spool_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"newsmill-bench-spool-{os.getpid()}"
    try:
        engine = get_engine(url)
        print("new rows (empty tables):")
        new_writer = timed(
            "writer (COPY + INSERT ON CONFLICT)",
            len(first),
            engine,
            lambda: writer(engine, first, spool_dir),
        )
        assert stored_count(engine) == len(first)
        truncate(engine)
        new_naive = timed(
            "naive ORM (add, commit per 500)", len(first), engine, lambda: naive_orm(engine, first)
        )
        assert stored_count(engine) == len(first)

        print(f"re-crawl ({half} unchanged + {len(new_half)} new, on {len(first)} stored):")
        vacuum(engine)
        re_naive = timed(
            "naive ORM (lookup, touch or add)",
            len(recrawl),
            engine,
            lambda: naive_orm_recrawl(engine, recrawl),
        )
        assert stored_count(engine) == len(first) + len(new_half)
        truncate(engine)
        writer(engine, first, spool_dir)  # same starting state, untimed
        vacuum(engine)
        re_writer = timed(
            "writer (skips unchanged bodies)",
            len(recrawl),
            engine,
            lambda: writer(engine, recrawl, spool_dir),
        )
        assert stored_count(engine) == len(first) + len(new_half)
        with engine.connect() as conn:
            unchanged_touched = conn.execute(
                select(func.count())
                .select_from(Article)
                .where(Article.last_seen > Article.first_seen)
            ).scalar_one()
        assert unchanged_touched >= half, "re-crawled articles must have last_seen updated"
        engine.dispose()
    finally:
        drop()
        for leftover in spool_dir.glob("*"):
            leftover.unlink()
        if spool_dir.exists():
            spool_dir.rmdir()

    print("ratios (writer / naive ORM), wall-clock rows/s:")
    print(f"  new rows : {new_writer.rate / new_naive.rate:.2f}x   (target >= 1.8x)")
    print(f"  re-crawl : {re_writer.rate / re_naive.rate:.2f}x   (target >= 2.5x)")
    if all(t.cpu_rate for t in (new_writer, new_naive, re_writer, re_naive)):
        print("ratios by CPU time (client + its database backends; robust to other load):")
        print(f"  new rows : {new_writer.cpu_rate / new_naive.cpu_rate:.2f}x")  # type: ignore[operator]
        print(f"  re-crawl : {re_writer.cpu_rate / re_naive.cpu_rate:.2f}x")  # type: ignore[operator]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
