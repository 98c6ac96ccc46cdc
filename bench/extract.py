"""Extraction speed: Newsmill's extract() against trafilatura on the eval pages, one process.

    .venv/bin/python bench/extract.py [EVAL_DIR ...] [--rounds N]

Prints pages/s for each, the ratio, and peak RSS. Both get the raw bytes and the URL, as in
the scorer. trafilatura runs with the configuration the eval README reports as its best
(favor_precision=True, include_comments=False).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_SETS = ("/work/shared/eval/zyte", "/work/shared/eval/zh", "/work/shared/eval/fundus")


def load_pages(directories: list[str]) -> list[tuple[bytes, str | None]]:
    pages: list[tuple[bytes, str | None]] = []
    for directory in directories:
        root = Path(directory)
        truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
        for page_id, record in truth.items():
            body = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
            pages.append((body, record.get("url")))
    return pages


def newsmill_extract(body: bytes, url: str | None) -> str:
    from pipeline.extraction import extract

    return extract(body, url).text


def trafilatura_extract(body: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(body, url=url, favor_precision=True, include_comments=False) or ""


def timed(
    name: str, function: Callable[[bytes, str | None], str], pages: list, rounds: int
) -> float:
    function(*pages[0])  # warm up imports and lazy initialisation outside the timing
    failures = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for body, url in pages:
            try:
                function(body, url)
            except Exception:
                failures += 1
    elapsed = time.perf_counter() - start
    rate = len(pages) * rounds / elapsed
    print(
        f"{name:12} {rate:8.1f} pages/s  ({len(pages) * rounds} pages, {elapsed:.2f} s, {failures} failed)"
    )
    return rate


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=list(DEFAULT_SETS))
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    pages = load_pages(args.sets)
    print(f"{len(pages)} pages from {len(args.sets)} sets, {args.rounds} round(s), one process")
    ours = timed("newsmill", newsmill_extract, pages, args.rounds)
    rss_after_ours = peak_rss_mb()
    theirs = timed("trafilatura", trafilatura_extract, pages, args.rounds)
    print(f"ratio        {ours / theirs:8.2f}x trafilatura's pages/s")
    print(
        f"peak RSS     {rss_after_ours:8.1f} MB after newsmill, {peak_rss_mb():.1f} MB at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
