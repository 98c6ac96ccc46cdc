"""The pipeline stages: validation, drop counting, strip+extract (in-process and in worker
processes, crash handling, workers that die with the crawler), dedup keys."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import pytest
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from pipeline.dedup.fingerprint import fingerprints
from pipeline.dedup.minhash import TextFingerprints, signature, text_fingerprints
from pipeline.errors import (
    EmptyBody,
    ExtractionFailed,
    HttpError,
    NoArticle,
    NotHtml,
    TooLarge,
    WorkerCrashed,
)
from pipeline.extensions import DropStats, summarize
from pipeline.items import Article, PageItem
from pipeline.pipelines import extract as extract_stage
from pipeline.pipelines import extraction_job
from pipeline.pipelines.dedup import DedupPipeline
from pipeline.pipelines.extract import StripAndExtractPipeline
from pipeline.pipelines.extraction_job import ArticleJob, ExtractedArticle, extract_job
from pipeline.pipelines.validate import ValidatePipeline

REPO = Path(__file__).resolve().parent.parent

HTML = b"<!doctype html><html><head><title>x</title></head><body><p>Hello</p></body></html>"


def _page(**kw: object) -> PageItem:
    base: dict[str, object] = {
        "url": "http://example.com/a?utm_source=x",
        "body": HTML,
        "headers": {"content-type": "text/html"},
        "fetched_at": datetime(2026, 11, 25, tzinfo=UTC),
    }
    base.update(kw)
    return PageItem(**base)  # type: ignore[arg-type]


def test_validate_drops_with_reasons() -> None:
    stage = ValidatePipeline(max_bytes=1000)
    assert stage.process_item(_page()).url.startswith("http://example.com")
    with pytest.raises(HttpError):
        stage.process_item(_page(status=404))
    with pytest.raises(EmptyBody):
        stage.process_item(_page(body=b"  \n"))
    with pytest.raises(TooLarge):
        stage.process_item(_page(body=HTML + b" " * 2000))
    with pytest.raises(NotHtml):
        stage.process_item(
            _page(body=b"%PDF-1.4 binary", headers={"content-type": "application/pdf"})
        )


def test_drop_stats_count_by_reason() -> None:
    crawler = get_crawler()
    ext = DropStats.from_crawler(crawler)
    ext.item_dropped(item=None, response=None, exception=NotHtml("x"), spider=None)
    ext.item_dropped(item=None, response=None, exception=NotHtml("y"), spider=None)
    ext.item_dropped(item=None, response=None, exception=TooLarge("z"), spider=None)
    summary = summarize(crawler.stats.get_stats())
    assert summary["dropped"] == {"not_html": 2, "too_large": 1}


def test_dedup_stage_keys_and_keeps_the_fingerprints_it_is_given() -> None:
    stage = DedupPipeline(frozenset({"utm_"}))
    item = _page(request_url="http://example.com/a?utm_medium=feed&id=1")
    item.article = Article(text="Body text of the article.", canonical_url="https://example.com/a")
    item.content_hash, item.simhash = "f" * 64, 7  # as the strip+extract stage left them
    out = stage.process_item(item)
    assert out.canonical_url == "https://example.com/a"
    assert out.url_keys == [
        "https://example.com/a",
        "http://example.com/a?id=1",
        "http://example.com/a",
    ]
    assert (out.content_hash, out.simhash) == ("f" * 64, 7)  # not computed again
    with pytest.raises(ExtractionFailed):  # no article
        stage.process_item(_page())
    unfingerprinted = _page()
    unfingerprinted.article = Article(text="Body text of the article.")
    with pytest.raises(ExtractionFailed):  # an article that skipped strip+extract
        stage.process_item(unfingerprinted)


def test_dedup_stage_canonicalizes_only_urls_not_yet_canonical(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.dedup.urls import canonical_url
    from pipeline.pipelines import dedup

    calls: list[str] = []

    def counted(url: str, params: frozenset[str] | None = None) -> str:
        calls.append(url)
        return canonical_url(url, params)

    monkeypatch.setattr(dedup, "canonical_url", counted)
    stage = DedupPipeline(frozenset({"utm_"}))
    url = "https://example.com/2026/11/24/story.html"
    item = _page(url=url, request_url=url)
    item.article = Article(text="Body.", canonical_url=url)
    item.content_hash, item.simhash = "f" * 64, 7
    assert stage.process_item(item).url_keys == [url]
    assert calls == []  # the usual page: its URL is already its key
    moved = _page(url="https://Example.com/b?utm_source=x", request_url="http://example.com/a")
    moved.article = Article(text="Body.")
    moved.content_hash, moved.simhash = "f" * 64, 7
    assert stage.process_item(moved).url_keys == [
        "https://example.com/b",
        "http://example.com/a",
    ]
    assert calls == ["http://example.com/a", "https://Example.com/b?utm_source=x"]


# --- strip + extract -----------------------------------------------------------------------------


def _article_html(title: str, paragraphs: list[str], next_page: str | None = None) -> bytes:
    more = f'<a class="next" href="{next_page}">Next page</a>' if next_page else ""
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home World Sport</nav>"
        f"<article><h1>{title}</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + f"{more}</article><footer>Copyright 2026 The Ledger</footer></body></html>"
    ).encode()


def _paragraphs(topic: str) -> list[str]:
    return [
        f"Paragraph {i} on {topic} explains the council vote on the flood barrier "
        f"and what residents said about the cost and the timetable."
        for i in range(6)
    ]


ARTICLE_HTML = _article_html("Harbour barrier approved", _paragraphs("the vote"))


def _multi_page_item(url: str = "http://example.com/story") -> PageItem:
    """A three-page article as the spider yields it: later pages in hints["pages"]."""
    later = [
        {
            "url": f"{url}?page={n}",
            "body": _article_html("Harbour barrier approved", _paragraphs(f"part {n}")),
            "headers": {"content-type": "text/html; charset=utf-8"},
        }
        for n in (2, 3)
    ]
    first = _article_html("Harbour barrier approved", _paragraphs("part 1"), f"{url}?page=2")
    return _page(url=url, body=first, hints={"pages": later, "title": "Feed title"})


def _crawler(workers: int) -> Crawler:
    # The stage reads its settings without fallbacks: start from Newsmill's defaults.
    return get_crawler(
        settings_dict={
            "ADDONS": {"pipeline.addon.Newsmill": 0},
            "NEWSMILL_EXTRACT_WORKERS": workers,
        }
    )


@pytest.fixture
def open_stage() -> Iterator[Any]:
    """Make an opened StripAndExtractPipeline; its pool is closed after the test."""
    opened: list[StripAndExtractPipeline] = []

    def make(workers: int) -> tuple[StripAndExtractPipeline, StatsCollector]:
        crawler = _crawler(workers)
        stage = StripAndExtractPipeline.from_crawler(crawler)
        stage.spider_opened(None)
        opened.append(stage)
        assert crawler.stats is not None
        return stage, crawler.stats

    yield make
    for stage in opened:
        stage.spider_closed(None)


def test_one_page_article_chrome_stripped_and_fingerprinted(open_stage: Any) -> None:
    stage, _ = open_stage(0)
    item = asyncio.run(stage.process_item(_page(body=ARTICLE_HTML)))
    assert item.article is not None
    assert item.article.title == "Harbour barrier approved"
    assert item.article.text.count("Paragraph") == 6
    assert "Copyright" not in item.article.text and "Home World" not in item.article.text
    assert (item.content_hash, item.simhash) == fingerprints(item.article.text)


def test_the_job_gives_the_same_result_in_process_and_in_a_worker(open_stage: Any) -> None:
    inline, _ = open_stage(0)
    pooled, _ = open_stage(1)
    assert inline.pool is None and pooled.pool is not None
    here = asyncio.run(inline.process_item(_multi_page_item()))
    there = asyncio.run(pooled.process_item(_multi_page_item()))
    direct = extract_job(ArticleJob.for_item(_multi_page_item(), None))
    assert here.article is not None and there.article is not None
    assert here.article.to_dict() == there.article.to_dict() == direct.article.to_dict()
    assert (here.content_hash, here.simhash) == (there.content_hash, there.simhash)
    assert (here.content_hash, here.simhash) == (direct.content_hash, direct.simhash)
    assert here.article.text.count("Paragraph") == 18  # three pages


def test_a_multi_page_article_is_merged_in_the_worker(
    open_stage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage, _ = open_stage(1)

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("extraction ran in the crawler process")

    # The worker process has its own modules: only extraction on the reactor would hit these.
    monkeypatch.setattr(extraction_job, "extract", not_here)
    monkeypatch.setattr(extract_stage, "extract_job", not_here)
    item = asyncio.run(stage.process_item(_multi_page_item()))
    assert item.article is not None
    text = item.article.text
    assert [text.count(f"on part {n} ") for n in (1, 2, 3)] == [6, 6, 6]
    assert text.index("on part 1 ") < text.index("on part 2 ") < text.index("on part 3 ")
    assert "Copyright" not in text and "Home World" not in text  # each page's chrome stripped
    assert item.article.title == "Harbour barrier approved"  # the page's, not the feed's
    assert (item.content_hash, item.simhash) == fingerprints(text)  # of the merged text


def test_fingerprints_are_computed_once_per_article(
    open_stage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counted(text: str) -> TextFingerprints:
        calls.append(text)
        return text_fingerprints(text)

    monkeypatch.setattr(extraction_job, "text_fingerprints", counted)
    stage, _ = open_stage(0)
    item = asyncio.run(stage.process_item(_multi_page_item()))
    item = DedupPipeline(frozenset()).process_item(item)
    assert item.article is not None
    assert calls == [item.article.text]  # once, on the text of all three pages
    assert (item.content_hash, item.simhash) == fingerprints(item.article.text)
    assert item.story == signature(item.article.text)  # the story signature comes along


def test_an_unreadable_later_page_is_left_out_and_counted(open_stage: Any) -> None:
    stage, stats = open_stage(0)
    item = _multi_page_item()
    item.hints["pages"][0]["body"] = b"   "  # page 2 came back empty
    item = asyncio.run(stage.process_item(item))
    assert item.article is not None
    assert [item.article.text.count(f"on part {n} ") for n in (1, 2, 3)] == [6, 0, 6]
    assert stats.get_value("newsmill/article_pages_unreadable") == 1


def test_drops_by_reason_in_process_and_from_a_worker(open_stage: Any) -> None:
    for workers in (0, 1):
        stage, _ = open_stage(workers)
        with pytest.raises(NotHtml):  # an error raised in a worker comes back as a counted drop
            asyncio.run(stage.process_item(_page(body=b"%PDF-1.5 \x00\x01 binary")))
        stub = _article_html("Stub", ["Too short to be an article."])
        with pytest.raises(NoArticle):
            asyncio.run(stage.process_item(_page(body=stub)))
    # The same text over the threshold is an article: the drop above is the threshold's.
    long_enough = _article_html("Stub", ["Long enough to be an article, " * 4])
    assert asyncio.run(stage.process_item(_page(body=long_enough))).article is not None


# --- extraction workers that die -----------------------------------------------------------------


def test_a_killed_worker_is_replaced_and_no_article_is_lost(open_stage: Any) -> None:
    stage, stats = open_stage(1)

    async def crawl() -> list[PageItem]:
        first = await stage.process_item(_page(body=ARTICLE_HTML))
        assert first.article is not None
        (pid,) = stage.pool.executor._processes  # the one worker
        pages = [
            stage.process_item(_page(url=f"http://example.com/{n}", body=ARTICLE_HTML))
            for n in range(4)
        ]
        os.kill(pid, signal.SIGKILL)  # as the OOM killer would, with articles in flight
        return list(await asyncio.gather(*pages))

    items = asyncio.run(crawl())
    assert all(item.article and item.article.title == "Harbour barrier approved" for item in items)
    assert stats.get_value("newsmill/extract_workers/restarts") == 1
    assert stage.pool is not None  # still extracting in worker processes


class _FakePool:
    """Stands in for a process pool whose worker dies on some articles (or on everything)."""

    def __init__(self, killer: str | None, starts: bool = True) -> None:
        self.killer, self.starts = killer, starts

    async def extract(self, job: ArticleJob) -> ExtractedArticle:
        if not self.starts or job.url == self.killer:
            raise BrokenProcessPool("a worker died")
        return extract_job(job)

    async def healthy(self) -> bool:
        return self.starts

    def close(self) -> None:
        pass


def test_only_the_article_that_kills_workers_twice_is_dropped(
    open_stage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    killer = "http://example.com/killer"
    monkeypatch.setattr(extract_stage, "ExtractorPool", lambda workers: _FakePool(killer))
    stage, stats = open_stage(1)

    async def crawl() -> list[object]:
        pages = [_page(url=u, body=ARTICLE_HTML) for u in ("http://example.com/a", killer)]
        return await asyncio.gather(*map(stage.process_item, pages), return_exceptions=True)

    good, bad = asyncio.run(crawl())
    assert isinstance(good, PageItem) and good.article is not None
    assert isinstance(bad, WorkerCrashed) and bad.reason == "worker_crashed"
    assert stage.pool is not None
    assert stats.get_value("newsmill/extract_workers/given_up") is None


def test_workers_that_cannot_start_fall_back_to_this_process(
    open_stage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        extract_stage, "ExtractorPool", lambda workers: _FakePool(None, starts=False)
    )
    stage, stats = open_stage(1)
    item = asyncio.run(stage.process_item(_multi_page_item()))
    assert item.article is not None and item.article.text.count("Paragraph") == 18
    assert item.content_hash is not None  # extracted and fingerprinted here instead
    assert stage.pool is None
    assert stats.get_value("newsmill/extract_workers/given_up") == 1
    later = asyncio.run(stage.process_item(_page(url="http://example.com/b", body=ARTICLE_HTML)))
    assert later.article is not None


_CRAWLER_WITH_WORKERS = textwrap.dedent(
    """
    import asyncio, json, time
    import psutil
    from scrapy.utils.test import get_crawler
    from pipeline.items import PageItem
    from pipeline.pipelines.extract import StripAndExtractPipeline

    if __name__ == "__main__":
        crawler = get_crawler(
            settings_dict={"ADDONS": {"pipeline.addon.Newsmill": 0}, "NEWSMILL_EXTRACT_WORKERS": 2}
        )
        stage = StripAndExtractPipeline.from_crawler(crawler)
        stage.spider_opened(None)
        item = asyncio.run(stage.process_item(PageItem(url="http://example.com/a", body=BODY)))
        assert item.article is not None
        helpers = [p.pid for p in psutil.Process().children(recursive=True)]
        print(json.dumps(helpers), flush=True)
        time.sleep(120)
    """
)


def test_extraction_workers_exit_when_the_crawler_is_killed() -> None:
    script = f"BODY = {ARTICLE_HTML!r}\n" + _CRAWLER_WITH_WORKERS
    crawler = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert crawler.stdout is not None
        helpers = [psutil.Process(pid) for pid in json.loads(crawler.stdout.readline())]
        # two workers, the forkserver and the resource tracker
        assert len(helpers) >= 4, helpers
    finally:
        crawler.kill()  # SIGKILL: no cleanup runs in the crawler
        crawler.wait()
    deadline = time.monotonic() + 5
    alive = helpers
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in alive if _running(p)]
    for process in alive:  # leave no strays behind a failure
        process.kill()
    assert alive == []


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
