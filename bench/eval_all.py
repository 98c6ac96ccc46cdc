"""All five extraction eval sets in one run, one table, compared with bench/eval-baseline.json.

    .venv/bin/python bench/eval_all.py [--eval-dir DIR] [--sets zyte,zh] [--verbose]
    .venv/bin/python bench/eval_all.py --update-baseline
    .venv/bin/python bench/eval_all.py --show PAGE_ID

Each page is extracted once, in-process, through bench.score_adapter:extract_for_score (what
``score.py --py bench.score_adapter:extract_for_score`` runs), and scored with the metric functions
of the eval folder's own score.py and score_snippets.py, loaded from there so the figures here
cannot drift from the scorers'. Every figure is printed for three page sets:

    all      every page of the set (what score.py prints)
    fit      the pages one may look at while developing
    honest   the fixed honesty subset: ids whose sha1 hex digest ends in 0-3. Nobody looks at
             these pages' outputs while developing (--verbose and --show leave them out), so the
             gap between "fit" and "honest" tells whether the extractor is being fitted to pages.

The zh set's ``author`` labels are not scored by score.py; they are scored here with score.py's
own authors_f1, the label split into names at whitespace and list punctuation.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
BASELINE = Path(__file__).resolve().with_name("eval-baseline.json")
ADAPTER = "bench.score_adapter:extract_for_score"
COLUMNS = ("all", "fit", "honest")
ALL_SETS = ("zyte", "fundus", "zh", "daniel", "trafilatura")
TIMEOUT_S = 30.0  # score.py's default per-page timeout
# A zh ``author`` label lists several names separated by spaces or list punctuation.
ZH_AUTHOR_SEPARATORS = re.compile(r"[\s、，,;；/]+")


def is_honest(page_id: str) -> bool:
    """The fixed honesty subset: sha1(id) hex digest ends in 0, 1, 2 or 3."""
    return hashlib.sha1(page_id.encode("utf-8")).hexdigest()[-1] in "0123"


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        sys.exit(f"{path} not found: pass --eval-dir with the folder holding score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Row:
    """One table row: a name, the set folder, and how to score a page subset of it."""

    name: str
    folder: str
    # Takes the set's page ids of one column and returns the figure, or None if no page counts.
    figure: Callable[[list[str]], float | None]
    # Per page score for --verbose (lower is worse, 1.0 or more is no miss; None: not scored).
    page_score: Callable[[str], float | None] | None = None
    describe: Callable[[str], str] | None = None


@dataclass
class SetRun:
    """One set's pages, truth, predictions and the time spent extracting them."""

    folder: str
    truth: dict[str, dict[str, Any]]
    preds: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_set(
    eval_dir: Path, folder: str, extract: Callable[[bytes, str], Any], as_prediction: Callable
) -> SetRun:
    root = eval_dir / folder
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    run = SetRun(folder, truth)
    for page_id in sorted(truth):
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        start = time.perf_counter()
        try:
            run.preds[page_id] = as_prediction(extract(html, truth[page_id].get("url") or ""))
        except Exception:  # as score.py: any failure is an empty prediction
            run.failed.append(page_id)
            run.preds[page_id] = {"text": ""}
        run.seconds += time.perf_counter() - start
    return run


def body_rows(score: ModuleType, run: SetRun, name: str, metric: str, lang: str | None) -> Row:
    """score.py's body metric (summarize of per-page P/R) over the pages of one language."""
    measure = score.METRICS[metric]
    per_page = {
        page_id: score.page_pr(
            measure(run.preds[page_id]["text"]), measure(record.get("articleBody") or "")
        )
        for page_id, record in run.truth.items()
        if lang is None or record.get("language") in lang.split(",")
    }

    def figure(ids: list[str]) -> float | None:
        chosen = [per_page[i] for i in ids if i in per_page]
        return score.summarize(chosen)[0] if chosen else None

    def page_f1(page_id: str) -> float | None:
        if page_id not in per_page:
            return None
        p, r = (x or 0.0 for x in per_page[page_id])
        return 2 * p * r / (p + r) if p + r else 0.0

    def describe(page_id: str) -> str:
        p, r = per_page[page_id]
        ps = "  -   " if p is None else f"{p:.4f}"
        rs = "  -   " if r is None else f"{r:.4f}"
        return f"P {ps}  R {rs}"

    return Row(name, run.folder, figure, page_f1, describe)


def field_row(
    name: str,
    run: SetRun,
    field_name: str,
    check: Callable[[Any, Any], float],
    truth_value: Callable[[dict[str, Any]], Any],
) -> Row:
    """A metadata figure as score.py's score_fields computes it: mean over pages whose truth has
    the field, a missing prediction scoring 0."""
    per_page: dict[str, float] = {}
    for page_id, record in run.truth.items():
        wanted = truth_value(record)
        if wanted is None:
            continue
        predicted = run.preds[page_id].get(field_name)
        per_page[page_id] = float(check(predicted, wanted)) if predicted is not None else 0.0

    def figure(ids: list[str]) -> float | None:
        chosen = [per_page[i] for i in ids if i in per_page]
        return sum(chosen) / len(chosen) if chosen else None

    def describe(page_id: str) -> str:
        return f"{run.preds[page_id].get(field_name)!r} | {truth_value(run.truth[page_id])!r}"

    return Row(name, run.folder, figure, per_page.get, describe)


def snippet_row(snippets: ModuleType, run: SetRun) -> Row:
    """score_snippets.py's micro-averaged F1 (its count_item and scores)."""
    counts = {
        page_id: snippets.count_item(
            record, None if page_id in run.failed else run.preds[page_id]["text"]
        )
        for page_id, record in run.truth.items()
    }

    def figure(ids: list[str]) -> float | None:
        if not ids:
            return None
        totals = [sum(counts[i][k] for i in ids) for k in range(4)]
        return snippets.scores(*totals)[0]

    def describe(page_id: str) -> str:
        tp, fp, fn, tn = counts[page_id]
        return f"tp {tp} fp {fp} fn {fn} tn {tn}"

    # 1.0 for a clean page; each missed or unwanted snippet costs one.
    return Row(
        "trafilatura snippet F1",
        run.folder,
        figure,
        lambda i: 1.0 - counts[i][1] - counts[i][2],
        describe,
    )


def zh_author_names(record: dict[str, Any]) -> list[str] | None:
    label = record.get("author")
    if not label:
        return None
    return [name for name in ZH_AUTHOR_SEPARATORS.split(label) if name]


def build_rows(score: ModuleType, snippets: ModuleType, runs: dict[str, SetRun]) -> list[Row]:
    rows: list[Row] = []
    if "zyte" in runs:
        rows.append(body_rows(score, runs["zyte"], "zyte body F1", "shingle", None))
    if "fundus" in runs:
        fundus = runs["fundus"]
        rows.append(body_rows(score, fundus, "fundus body F1", "shingle", None))
        rows.append(
            field_row(
                "fundus title", fundus, "title", score.title_ok, lambda r: r.get("title") or None
            )
        )
        rows.append(
            field_row(
                "fundus authors",
                fundus,
                "authors",
                score.authors_f1,
                lambda r: r.get("authors") or None,
            )
        )
        rows.append(
            field_row(
                "fundus date-min",
                fundus,
                "published",
                score.same_minute,
                lambda r: (
                    r["published"]
                    if r.get("published") and score.has_time(r["published"])
                    else None
                ),
            )
        )
    if "zh" in runs:
        rows.append(body_rows(score, runs["zh"], "zh body char-F1", "char", None))
        rows.append(
            field_row("zh authors", runs["zh"], "authors", score.authors_f1, zh_author_names)
        )
    if "daniel" in runs:
        daniel = runs["daniel"]
        for lang in ("en", "ru", "pl", "el"):
            rows.append(body_rows(score, daniel, f"daniel {lang}", "shingle", lang))
        rows.append(body_rows(score, daniel, "daniel en+ru+pl+el", "shingle", "en,ru,pl,el"))
        rows.append(body_rows(score, daniel, "daniel zh char", "char", "zh"))
    if "trafilatura" in runs:
        rows.append(snippet_row(snippets, runs["trafilatura"]))
    return rows


def column_ids(run: SetRun) -> dict[str, list[str]]:
    ids = sorted(run.truth)
    return {
        "all": ids,
        "fit": [i for i in ids if not is_honest(i)],
        "honest": [i for i in ids if is_honest(i)],
    }


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:.4f}"


def fmt_delta(value: float | None, before: float | None) -> str:
    if value is None or before is None:
        return "       "
    delta = value - before
    return "   =   " if abs(delta) < 5e-5 else f"{delta:+.4f}"


def print_table(table: dict[str, dict[str, float | None]], baseline: dict[str, Any]) -> None:
    width = max(len(name) for name in table) + 2
    header = "".join(f"{column:>8} {'Δ':>7}  " for column in COLUMNS)
    print(f"{'':{width}}{header}")
    for name, figures in table.items():
        before = baseline.get(name, {})
        cells = "".join(
            f"{fmt(figures[c]):>8} {fmt_delta(figures[c], before.get(c)):>7}  " for c in COLUMNS
        )
        print(f"{name:{width}}{cells}")


def print_worst(rows: Iterable[Row], runs: dict[str, SetRun], count: int) -> None:
    """The worst fit pages of each row (never an honest page), to stderr."""
    for row in rows:
        if row.page_score is None or row.describe is None:
            continue
        scored = ((i, row.page_score(i)) for i in column_ids(runs[row.folder])["fit"])
        misses = [
            i
            for i, v in sorted(
                (p for p in scored if p[1] is not None and p[1] < 1.0), key=lambda p: p[1] or 0.0
            )
        ]
        print(f"{row.name}: worst {count} fit pages", file=sys.stderr)
        for page_id in misses[:count]:
            print(f"  {page_id}  {row.describe(page_id)}", file=sys.stderr)
    for run in runs.values():
        shown = [i for i in run.failed if not is_honest(i)]
        if shown:
            print(f"{run.folder}: failed {', '.join(shown)}", file=sys.stderr)


def show_page(eval_dir: Path, page_id: str, extract: Callable[[bytes, str], Any]) -> int:
    """Print one fit page's extraction beside its truth."""
    if is_honest(page_id):
        print(f"{page_id} is in the honesty subset: its output is not shown", file=sys.stderr)
        return 2
    for folder in ALL_SETS:
        truth = json.loads((eval_dir / folder / "truth.json").read_text(encoding="utf-8"))
        if page_id in truth:
            html = gzip.decompress((eval_dir / folder / "html" / f"{page_id}.html.gz").read_bytes())
            out = extract(html, truth[page_id].get("url") or "")
            record = truth[page_id]
            print(f"== {folder}/{page_id} prediction")
            print(json.dumps({k: v for k, v in out.items() if k != "text"}, ensure_ascii=False))
            print(out["text"])
            print("== truth")
            print(
                json.dumps(
                    {k: v for k, v in record.items() if k != "articleBody"}, ensure_ascii=False
                )
            )
            print(record.get("articleBody", ""))
            return 0
    print(f"no page {page_id} in {eval_dir}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated subset")
    parser.add_argument("--verbose", action="store_true", help="worst fit pages per row, stderr")
    parser.add_argument("--worst", type=int, default=10, help="pages listed per row by --verbose")
    parser.add_argument("--update-baseline", action="store_true", help=f"rewrite {BASELINE.name}")
    parser.add_argument("--show", metavar="PAGE_ID", help="print one fit page's output and truth")
    parser.add_argument(
        "--page-scores", type=Path, metavar="FILE", help="write each fit page's scores (JSON)"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO_ROOT))
    score = load_module(args.eval_dir / "score.py", "eval_score")
    snippets = load_module(args.eval_dir / "score_snippets.py", "eval_score_snippets")
    # score.py's own wrapper (import, SIGALRM timeout), as `score.py --py` runs the adapter.
    extract = score.make_py_extractor(ADAPTER, TIMEOUT_S)
    if args.show:
        return show_page(args.eval_dir, args.show, extract)

    chosen = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(ALL_SETS))
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(ALL_SETS)}")
    runs = {
        folder: run_set(args.eval_dir, folder, extract, score.as_prediction)
        for folder in ALL_SETS
        if folder in chosen
    }
    rows = build_rows(score, snippets, runs)
    table = {
        row.name: {c: row.figure(ids) for c, ids in column_ids(runs[row.folder]).items()}
        for row in rows
    }
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.is_file() else {}
    print_table(table, baseline)
    pages = sum(len(run.truth) for run in runs.values())
    seconds = sum(run.seconds for run in runs.values())
    failed = sum(len(run.failed) for run in runs.values())
    print(
        f"pages {pages} failed {failed} extraction {seconds:.1f} s ({pages / seconds:.1f} pages/s)"
    )
    if args.verbose:
        print_worst(rows, runs, args.worst)
    if args.page_scores:
        dump = {
            row.name: {i: row.page_score(i) for i in column_ids(runs[row.folder])["fit"]}
            for row in rows
            if row.page_score is not None
        }
        args.page_scores.write_text(json.dumps(dump, indent=1) + "\n", encoding="utf-8")
    if args.update_baseline:
        merged = {**baseline, **table}
        BASELINE.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {BASELINE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
