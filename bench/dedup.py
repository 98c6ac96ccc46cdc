"""Story detection: pair precision/recall on a labelled corpus, and lookup cost in PostgreSQL.

The corpus is built from the eval sets' hand-cleaned article texts (English, Chinese, Russian,
Greek, Polish, German, ...). For each article it makes true-duplicate variants (re-wrapped in
other chrome, a dateline, a credit line, a new headline, 10 % and 25 % cut from the end,
paragraphs reordered, an editor's note, and the usual syndication edit: dateline + credit
line + last paragraph dropped) and hard negatives (another article of the same site wrapped in
the same chrome, a brief that shares the lead sentence, a follow-up that quotes the lead and
goes on with other news, a new story that reuses this one's background half). Every (original, variant) and (original, negative) pair is scored by
Newsmill's story rule (``pipeline.dedup.minhash``: a shared LSH band and an estimated Jaccard
>= STORY_SIMILARITY) and by datasketch's MinHashLSH (128 permutations, threshold 0.7, the same
shingles), side by side per language.

Then it times the candidate lookup (one indexed query for a text's band keys) against 10,000
and 1,000,000 stored articles' band rows in PostgreSQL, and reports rows and bytes per article.

    python bench/dedup.py [--eval-dir ../shared/eval] [--database-url URL] [--skip-db]
"""

from __future__ import annotations

import argparse
import gzip  # noqa: F401  (the eval sets are gzipped; kept for symmetry with bench/extract.py)
import json
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.cleaning.chars import cjk_count
from pipeline.dedup.fingerprint import normalize_text, shingle_tokens
from pipeline.dedup.minhash import PERMUTATIONS, STORY_SIMILARITY, signature, similarity

REPO = Path(__file__).resolve().parent.parent
POSITIVE_KINDS = (
    "rewrapped",
    "dateline",
    "credit",
    "headline",
    "cut10",
    "cut25",
    "reordered",
    "editors_note",
    "syndicated",
)
NEGATIVE_KINDS = ("same_site", "brief", "follow_up", "background")

_CHROME_TOP = [
    "Home | News | World | Business | Sport | Opinion",
    "Share this article  Facebook  Twitter  Email",
    "首页 > 新闻 > 国内  分享至 收藏",
]
_CHROME_BOTTOM = [
    "Most read",
    "Related stories",
    "© 2024 Media Group. All rights reserved. Terms | Privacy | Contact us",
    "评论(7) 我也说两句 发表 最新评论 快来抢沙发吧",
]
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


@dataclass(frozen=True)
class Doc:
    id: str
    language: str
    site: str
    text: str


def load_corpus(eval_dir: Path, min_words: int) -> list[Doc]:
    docs: list[Doc] = []
    for name in ("zyte", "zh", "daniel", "fundus"):
        truth_path = eval_dir / name / "truth.json"
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        for page_id, entry in truth.items():
            text = (entry.get("articleBody") or "").strip()
            language = entry.get("language") or ("zh" if name == "zh" else "en")
            if name == "zyte" and cjk_count(text[:2000], compat=False) > 50:
                language = "cjk"
            size = len(shingle_tokens(normalize_text(text)))
            if size < min_words:
                continue
            site = urlsplit(entry.get("url") or "").hostname or f"{name}:{page_id}"
            docs.append(Doc(f"{name}/{page_id}", _language_group(language), site, text))
    return _distinct(docs)


def _distinct(docs: list[Doc]) -> list[Doc]:
    """Leave out articles that are near copies of an earlier one of the same site.

    Some sites in the eval sets carry two pages with (almost) the same text; as a "different
    article of the same site" they would be negatives labelled wrong.
    """
    kept: list[Doc] = []
    shingles_by_site: dict[str, list[set[str]]] = defaultdict(list)
    for doc in docs:
        tokens = shingle_tokens(normalize_text(doc.text))
        mine = {" ".join(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))}
        seen = shingles_by_site[doc.site]
        if any(len(mine & other) > 0.3 * len(mine | other) for other in seen):
            continue
        seen.append(mine)
        kept.append(doc)
    return kept


def _language_group(language: str) -> str:
    language = language.lower().split("-")[0]
    if language in ("zh", "ja", "cjk"):
        return "zh/ja"
    if language in ("en", "de", "ru", "el", "pl"):
        return language
    return "other"


def paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n+", text) if p.strip()]
    if len(parts) >= 3:
        return parts
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    size = max(1, len(sentences) // 4)
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)] or [text]


def cut_words(text: str, fraction: float) -> str:
    """The text with ``fraction`` of its tokens cut from the end (whole words / characters)."""
    if cjk_count(text, compat=False) > 0.3 * len(text):
        return text[: int(len(text) * (1 - fraction))]
    words = text.split(" ")
    return " ".join(words[: int(len(words) * (1 - fraction))])


def variants(doc: Doc, rng: random.Random, others: list[Doc]) -> Iterator[tuple[str, str]]:
    paras = paragraphs(doc.text)
    zh = doc.language == "zh/ja"
    dateline = "北京11月11日电 " if zh else "WASHINGTON, Nov. 11 (Reuters) -- "
    credit = (
        "(来源：新华社，编辑：王敏)" if zh else "(Reporting by Jane Doe; Editing by John Smith)"
    )
    note = (
        "编者按：本文经作者授权转载，略有删节。"
        if zh
        else "Editor's note: This story was updated to correct the spelling of a name."
    )
    other = rng.choice(others)
    yield (
        "rewrapped",
        "\n".join([rng.choice(_CHROME_TOP), doc.text, rng.choice(_CHROME_BOTTOM)]),
    )
    yield "dateline", dateline + doc.text
    yield "credit", doc.text + "\n" + credit
    # The corpus texts mostly start with their headline; where the first paragraph is body
    # text, the new headline goes on top instead of replacing it.
    headline = paragraphs(other.text)[0][:80]
    rest = paras[1:] if len(paras[0]) <= 100 else paras
    yield "headline", "\n".join([headline, *rest])
    yield "cut10", cut_words(doc.text, 0.10)
    yield "cut25", cut_words(doc.text, 0.25)
    order = paras[:]
    if len(order) >= 3:
        i = rng.randrange(1, len(order) - 1)
        order[i], order[i + 1] = order[i + 1], order[i]
    yield "reordered", "\n".join(order)
    yield "editors_note", note + "\n" + doc.text
    trimmed = paras[:-1] if len(paras) > 3 else [cut_words(doc.text, 0.15)]
    yield "syndicated", dateline + "\n".join(trimmed) + "\n" + credit


def negatives(
    doc: Doc, rng: random.Random, same_language: list[Doc], same_site: list[Doc]
) -> Iterator[tuple[str, str]]:
    lead = paragraphs(doc.text)[0]
    first_sentence = next((s for s in _SENTENCE_END.split(lead) if s.strip()), lead)
    if same_site:
        sibling = rng.choice(same_site)
        chrome = rng.choice(_CHROME_TOP), rng.choice(_CHROME_BOTTOM)
        yield "same_site", "\n".join([chrome[0], sibling.text, chrome[1]])
    other = rng.choice(same_language)
    brief = paragraphs(other.text)
    yield "brief", "\n".join([first_sentence, *brief[:2]])
    follow = paragraphs(rng.choice(same_language).text)
    yield "follow_up", "\n".join([follow[0], first_sentence, *follow[1:]])
    # A new story that reuses the background half of this one (a site's explainer
    # paragraphs under a new lead): it shares whole paragraphs, and is still another story.
    # As much new text as reused: J about 1/3, whatever the two articles' lengths.
    own = paragraphs(doc.text)
    reused = own[len(own) // 2 :]
    budget = len(shingle_tokens(normalize_text("\n".join(reused))))
    fresh: list[str] = []
    while budget > 0:  # paragraphs of other articles, none twice (a repeat adds no shingle)
        for paragraph in paragraphs(rng.choice(same_language).text):
            if budget <= 0:
                break
            fresh.append(paragraph)
            budget -= len(shingle_tokens(normalize_text(paragraph)))
    yield "background", "\n".join([*fresh, *reused])


def shingles_for_datasketch(text: str) -> set[bytes]:
    tokens = shingle_tokens(normalize_text(text))
    return {" ".join(tokens[i : i + 3]).encode("utf-8") for i in range(max(1, len(tokens) - 2))}


def score(pairs: list[tuple[bool, bool]]) -> tuple[float, float, int, int]:
    tp = sum(1 for truth, predicted in pairs if truth and predicted)
    fp = sum(1 for truth, predicted in pairs if not truth and predicted)
    fn = sum(1 for truth, predicted in pairs if truth and not predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, sum(1 for t, _ in pairs if t), sum(1 for t, _ in pairs if not t)


def accuracy(docs: list[Doc], seed: int) -> int:
    from datasketch import MinHash, MinHashLSH

    rng = random.Random(seed)
    by_language: dict[str, list[Doc]] = defaultdict(list)
    by_site: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_language[doc.language].append(doc)
        by_site[doc.site].append(doc)

    # Every text gets an id; pairs are (original id, other id, is duplicate, kind).
    texts: dict[str, str] = {}
    pairs: list[tuple[str, str, bool, str, str]] = []
    for doc in docs:
        texts[doc.id] = doc.text
        pool = [d for d in by_language[doc.language] if d.id != doc.id] or docs
        site_pool = [d for d in by_site[doc.site] if d.id != doc.id]
        for kind, text in variants(doc, rng, pool):
            texts[f"{doc.id}#{kind}"] = text
            pairs.append((doc.id, f"{doc.id}#{kind}", True, kind, doc.language))
        for kind, text in negatives(doc, rng, pool, site_pool):
            texts[f"{doc.id}!{kind}"] = text
            pairs.append((doc.id, f"{doc.id}!{kind}", False, kind, doc.language))

    started = time.perf_counter()
    sigs = {key: signature(text) for key, text in texts.items()}
    ours_seconds = time.perf_counter() - started

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    hashes: dict[str, MinHash] = {}
    for key, text in texts.items():
        mh = MinHash(num_perm=128)
        mh.update_batch(list(shingles_for_datasketch(text)))
        hashes[key] = mh
        lsh.insert(key, mh)
    theirs_seconds = time.perf_counter() - started

    ours: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    theirs: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    misses: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, list[bool]] = defaultdict(list)
    for left, right, truth, kind, language in pairs:
        a, b = sigs[left], sigs[right]
        shared = bool(set(a.bands) & set(b.bands))
        predicted = shared and similarity(a.minhashes, b.minhashes) >= STORY_SIMILARITY
        ours[language].append((truth, predicted))
        ours["all"].append((truth, predicted))
        kinds[kind].append(predicted == truth)
        if predicted != truth:
            misses[language].append(f"{right} J~{similarity(a.minhashes, b.minhashes):.2f}")
        found = right in set(lsh.query(hashes[left]))
        theirs[language].append((truth, found))
        theirs["all"].append((truth, found))

    print(
        f"corpus: {len(docs)} articles, {len(texts)} texts, {len(pairs)} labelled pairs "
        f"({sum(p[2] for p in pairs)} duplicates); story rule: shared band of "
        f"{PERMUTATIONS} MinHashes and estimated Jaccard >= {STORY_SIMILARITY}"
    )
    print(
        f"{'language':10} {'pos':>5} {'neg':>5}  {'Newsmill P':>10} {'R':>6}   {'datasketch P':>12} {'R':>6}"
    )
    failed = 0
    for language in sorted(ours, key=lambda k: (k == "all", k)):
        p, r, pos, neg = score(ours[language])
        dp, dr, _, _ = score(theirs[language])
        flag = "" if p >= 0.995 and r >= 0.99 and p >= dp and r >= dr else "  below target"
        failed += bool(flag)
        print(f"{language:10} {pos:5d} {neg:5d}  {p:10.4f} {r:6.4f}   {dp:12.4f} {dr:6.4f}{flag}")
    print("per kind (share decided right):")
    print("  " + "  ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in sorted(kinds.items())))
    for language, items in sorted(misses.items()):
        print(f"  misses {language}: {', '.join(items[:6])}{' ...' if len(items) > 6 else ''}")
    print(
        f"signatures: Newsmill {1000 * ours_seconds / len(texts):.2f} ms/text, "
        f"datasketch (MinHash + LSH insert) {1000 * theirs_seconds / len(texts):.2f} ms/text"
    )
    return failed


def lookup_cost(database_url: str, sizes: list[int], queries: int, seed: int) -> None:
    """Median candidate-lookup time against band tables of each size, queried in turns.

    The tables exist side by side and the queries alternate between them, so a busy moment
    on a shared machine slows every size alike and the ratio stays meaningful.
    """
    import psycopg

    from pipeline.dedup.minhash import BANDS

    rng = random.Random(seed)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS bench_dedup CASCADE")
        conn.execute("CREATE SCHEMA bench_dedup")
        try:
            sizes_bytes: dict[int, float] = {}
            for size in sizes:
                table = f"bench_dedup.bands_{size}"
                started = time.perf_counter()
                conn.execute(
                    f"CREATE UNLOGGED TABLE {table} (band_key bigint NOT NULL, article_id bigint NOT NULL)"
                )
                # Keys are 64-bit hashes, as minhash.band_keys makes them: uniform and distinct.
                conn.execute(
                    f"INSERT INTO {table}"
                    " SELECT hashtextextended(a::text || ':' || b::text, 7), a"
                    " FROM generate_series(1::bigint, %s::bigint) a, generate_series(1, %s::int) b",
                    (size, BANDS),
                )
                conn.execute(f"CREATE INDEX ON {table} (band_key)")
                conn.execute(f"VACUUM ANALYZE {table}")
                row = conn.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()
                sizes_bytes[size] = (row[0] if row else 0) / size
                print(
                    f"  built {size:,} articles ({size * BANDS:,} band rows) in {time.perf_counter() - started:.0f} s"
                )
            timings: dict[int, list[float]] = {size: [] for size in sizes}
            for _ in range(queries):
                for size in sizes:
                    # Two keys of a stored article (a near copy) and the rest new.
                    article = rng.randint(1, size)
                    keys = [
                        row[0]
                        for band in (1, 2)
                        if (
                            row := conn.execute(
                                "SELECT hashtextextended(%s::text || ':' || %s::text, 7)",
                                (article, band),
                            ).fetchone()
                        )
                    ] + [rng.getrandbits(63) for _ in range(BANDS - 2)]
                    started = time.perf_counter()
                    found = conn.execute(
                        f"SELECT article_id, count(*) FROM bench_dedup.bands_{size}"
                        " WHERE band_key = ANY(%s) GROUP BY article_id",
                        (keys,),
                    ).fetchall()
                    timings[size].append(time.perf_counter() - started)
                    assert any(a == article for a, _ in found), "lookup missed a stored article"
            medians = {}
            for size in sizes:
                values = sorted(timings[size])
                medians[size] = 1000 * statistics.median(values)
                print(
                    f"lookup at {size:>9,} articles: median {medians[size]:.3f} ms, "
                    f"p95 {1000 * values[int(0.95 * len(values))]:.3f} ms; {BANDS} band rows, "
                    f"{sizes_bytes[size]:.0f} bytes per article (table + index)"
                )
            if len(sizes) >= 2:
                ratio = medians[sizes[-1]] / medians[sizes[0]]
                verdict = "ok" if ratio <= 2 else "above target"
                print(
                    f"lookup ratio {sizes[-1]:,} / {sizes[0]:,}: {ratio:.2f}x ({verdict}, target <= 2x)"
                )
        finally:
            conn.execute("DROP SCHEMA IF EXISTS bench_dedup CASCADE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--skip-db", action="store_true", help="only the accuracy part")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--min-words", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        print(f"bench/dedup.py: no eval sets at {args.eval_dir} (pass --eval-dir)", file=sys.stderr)
        return 2
    docs = load_corpus(args.eval_dir, args.min_words)
    failed = accuracy(docs, args.seed)
    if not args.skip_db:
        url = args.database_url
        if not url:
            from pipeline.db.embedded import embedded_database_url  # type: ignore[attr-defined]

            url = embedded_database_url()
        lookup_cost(
            url.replace("postgresql+psycopg://", "postgresql://"),
            [int(s) for s in args.sizes.split(",")],
            args.queries,
            args.seed,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
