"""Extraction speed: Newsmill's extract() against trafilatura on the eval pages, one process.

    .venv/bin/python bench/extract.py [EVAL_DIR] [--sets zyte,zh,...] [--rounds N]
    .venv/bin/python bench/extract.py --bench-site 60

``--bench-site N`` times the first N article pages of the crawl benchmark's generated site
(pipeline/fixtureweb/bench.py: ~50 KB pages, heavy chrome) instead of the eval pages; they are
rendered in-process, no server. EVAL_DIR defaults to ../shared/eval beside the repository; all
five of its sets are timed unless --sets names some. Prints pages/s and ms/page for each (best of
N alternating rounds), the ratio, and peak RSS. Both get the raw bytes and the URL, as in
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

DEFAULT_EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
ALL_SETS = ("zyte", "zh", "fundus", "daniel", "trafilatura")


def load_pages(eval_dir: Path, sets: list[str]) -> list[tuple[bytes, str | None]]:
    pages: list[tuple[bytes, str | None]] = []
    for name in sets:
        root = eval_dir / name
        truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
        for page_id, record in truth.items():
            body = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
            pages.append((body, record.get("url")))
    return pages


def load_bench_pages(count: int) -> list[tuple[bytes, str | None]]:
    from pipeline.fixtureweb.bench import article_path, generate_bench_site

    site = generate_bench_site(max(count, 1))
    return [
        (site.render_article(n).encode("utf-8"), f"http://bench.example{article_path(n)}")
        for n in range(1, count + 1)
    ]


def newsmill_extract(body: bytes, url: str | None) -> str:
    from pipeline.extraction import extract

    return extract(body, url).text


def trafilatura_extract(body: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(body, url=url, favor_precision=True, include_comments=False) or ""


def run_once(function: Callable[[bytes, str | None], str], pages: list) -> tuple[float, int]:
    failures = 0
    start = time.perf_counter()
    for body, url in pages:
        try:
            function(body, url)
        except Exception:
            failures += 1
    return time.perf_counter() - start, failures


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", nargs="?", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated set names")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bench-site", type=int, metavar="N", help="time N bench-site pages")
    args = parser.parse_args(argv)
    if args.bench_site:
        pages = load_bench_pages(args.bench_site)
        origin = "the bench site"
    else:
        sets = [name.strip() for name in args.sets.split(",") if name.strip()]
        pages = load_pages(args.eval_dir, sets)
        origin = f"{', '.join(sets)} in {args.eval_dir}"
    print(f"{len(pages)} pages from {origin}, {args.rounds} round(s), one process")
    contenders = {"newsmill": newsmill_extract, "trafilatura": trafilatura_extract}
    for function in contenders.values():
        function(*pages[0])  # imports and lazy initialisation stay outside the timing
    # Rounds alternate the two so that load from other processes hits both alike; the best
    # round of each is reported (the least disturbed measurement of the same work).
    best: dict[str, float] = {}
    failed: dict[str, int] = {}
    rss_after_ours = 0.0
    for _ in range(args.rounds):
        for name, function in contenders.items():
            elapsed, failures = run_once(function, pages)
            best[name] = min(best.get(name, elapsed), elapsed)
            failed[name] = failures
            if name == "newsmill":
                rss_after_ours = max(rss_after_ours, peak_rss_mb())
    rates = {name: len(pages) / elapsed for name, elapsed in best.items()}
    for name, rate in rates.items():
        print(
            f"{name:12} {rate:8.1f} pages/s  {1000 / rate:6.2f} ms/page  "
            f"(best of {args.rounds}: {best[name]:.2f} s, {failed[name]} failed)"
        )
    print(f"ratio        {rates['newsmill'] / rates['trafilatura']:8.2f}x trafilatura's pages/s")
    print(
        f"peak RSS     {rss_after_ours:8.1f} MB after newsmill, {peak_rss_mb():.1f} MB at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
