"""The thin pipeline stages: validation, drop counting, dedup keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.utils.test import get_crawler

from pipeline.dedup.fingerprint import fingerprints
from pipeline.errors import EmptyBody, ExtractionFailed, HttpError, NotHtml, TooLarge
from pipeline.extensions import DropStats, summarize
from pipeline.items import Article, PageItem
from pipeline.pipelines.dedup import DedupPipeline
from pipeline.pipelines.validate import ValidatePipeline

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


def test_dedup_stage_keys() -> None:
    stage = DedupPipeline(frozenset({"utm_"}))
    item = _page(request_url="http://example.com/a?utm_medium=feed&id=1")
    item.article = Article(text="Body text of the article.", canonical_url="https://example.com/a")
    out = stage.process_item(item)
    assert out.canonical_url == "https://example.com/a"
    assert out.url_keys == [
        "https://example.com/a",
        "http://example.com/a?id=1",
        "http://example.com/a",
    ]
    assert out.content_hash and len(out.content_hash) == 64
    assert isinstance(out.simhash, int)
    with pytest.raises(ExtractionFailed):
        stage.process_item(_page())


ARTICLE_HTML = (
    "<html><head><title>Harbour barrier approved</title></head><body><nav>Home World</nav>"
    "<article><h1>Harbour barrier approved</h1>"
    + "".join(
        f"<p>Paragraph {i} of the article explains the council vote on the flood barrier "
        f"and what residents said about the cost and the timetable.</p>"
        for i in range(6)
    )
    + "</article><footer>Copyright 2026 The Ledger</footer></body></html>"
).encode()


@pytest.mark.parametrize("workers", [0, 1])
def test_clean_and_extract_stages_inline_and_in_worker_processes(workers: int) -> None:
    import asyncio

    from pipeline.pipelines.clean import CleanPipeline
    from pipeline.pipelines.extract import ExtractPipeline

    crawler = get_crawler(settings_dict={"NEWSMILL_EXTRACT_WORKERS": workers})
    clean = CleanPipeline.from_crawler(crawler)
    extract = ExtractPipeline.from_crawler(crawler)
    clean.spider_opened(None)
    try:
        item = asyncio.run(clean.process_item(_page(body=ARTICLE_HTML)))
        assert (item.article is not None) is bool(workers)  # the pool extracts whole pages
        assert (item.content_hash is not None) is bool(workers)  # and fingerprints them
        item = extract.process_item(item)
        assert item.article.title == "Harbour barrier approved"
        assert item.article.text.count("Paragraph") == 6
        assert "Copyright" not in item.article.text and "Home World" not in item.article.text
        item = DedupPipeline(frozenset()).process_item(item)
        assert (item.content_hash, item.simhash) == fingerprints(item.article.text)
        with pytest.raises(NotHtml):  # errors raised in a worker come back as counted drops
            asyncio.run(clean.process_item(_page(body=b"%PDF-1.5 \x00\x01 binary")))
    finally:
        clean.spider_closed(None)


def test_extract_stage_without_clean_stage_is_a_plain_drop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from pipeline.pipelines.extract import ExtractPipeline

    stage = ExtractPipeline.from_crawler(get_crawler())
    with pytest.raises(ExtractionFailed, match="clean stage did not run"):
        stage.process_item(_page())
    assert "crashed" not in caplog.text  # a known drop is not logged as a crash


# --- extraction workers that die ---------------------------------------------------------------


def _clean_stage(workers: int = 1):
    from pipeline.pipelines.clean import CleanPipeline

    crawler = get_crawler(settings_dict={"NEWSMILL_EXTRACT_WORKERS": workers})
    stage = CleanPipeline.from_crawler(crawler)
    stage.spider_opened(None)
    return stage, crawler.stats


def test_a_killed_worker_is_replaced_and_no_page_is_lost() -> None:
    import asyncio
    import os
    import signal

    stage, stats = _clean_stage()
    try:

        async def crawl() -> list[PageItem]:
            first = await stage.process_item(_page(body=ARTICLE_HTML))
            assert first.article is not None
            (pid,) = stage.pool.executor._processes  # the one worker
            pages = [
                stage.process_item(_page(url=f"http://example.com/{n}", body=ARTICLE_HTML))
                for n in range(4)
            ]
            os.kill(pid, signal.SIGKILL)  # as the OOM killer would, with pages in flight
            return list(await asyncio.gather(*pages))

        items = asyncio.run(crawl())
        assert all(
            item.article and item.article.title == "Harbour barrier approved" for item in items
        )
        assert stats.get_value("newsmill/extract_workers/restarts") == 1
        assert stage.pool is not None  # still extracting in worker processes
    finally:
        stage.spider_closed(None)


class _FakePool:
    """Stands in for a process pool whose worker dies on some pages (or on everything)."""

    def __init__(self, killer: str | None, starts: bool = True) -> None:
        self.killer, self.starts = killer, starts

    async def extract(self, body: bytes, url: str, **page: object) -> object:
        from concurrent.futures.process import BrokenProcessPool

        if not self.starts or url == self.killer:
            raise BrokenProcessPool("a worker died")
        from pipeline.pipelines.workers import _extract

        return _extract(body, url, page["headers"], None, None, {})

    async def healthy(self) -> bool:
        return self.starts

    def close(self) -> None:
        pass


def test_only_the_page_that_kills_workers_twice_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from pipeline.errors import WorkerCrashed
    from pipeline.pipelines import clean

    killer = "http://example.com/killer"
    monkeypatch.setattr(clean, "ExtractorPool", lambda workers: _FakePool(killer))
    stage, stats = _clean_stage()

    async def crawl() -> list[object]:
        pages = [_page(url=u, body=ARTICLE_HTML) for u in ("http://example.com/a", killer)]
        return await asyncio.gather(*map(stage.process_item, pages), return_exceptions=True)

    good, bad = asyncio.run(crawl())
    assert isinstance(good, PageItem) and good.article is not None
    assert isinstance(bad, WorkerCrashed) and bad.reason == "worker_crashed"
    assert stage.pool is not None
    assert stats.get_value("newsmill/extract_workers/given_up") is None


def test_workers_that_cannot_start_fall_back_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from pipeline.pipelines import clean

    monkeypatch.setattr(clean, "ExtractorPool", lambda workers: _FakePool(None, starts=False))
    stage, stats = _clean_stage()
    item = asyncio.run(stage.process_item(_page(body=ARTICLE_HTML)))
    assert item.article is None and item.prepared is not None  # extracted here instead
    assert stage.pool is None
    assert stats.get_value("newsmill/extract_workers/given_up") == 1
    later = asyncio.run(stage.process_item(_page(url="http://example.com/b", body=ARTICLE_HTML)))
    assert later.prepared is not None
