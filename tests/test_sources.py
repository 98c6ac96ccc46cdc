"""Source configuration: loading sources/*.yaml and errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import SourceConfigError
from pipeline.sources import (
    CrawlLimits,
    cron_problem,
    load_source,
    load_sources,
    url_allowed,
)

REPO = Path(__file__).resolve().parent.parent

GOOD = """\
name: local_news
allowed_domains: [news.example, "127.0.0.1:8001"]
language: zh
timezone: Asia/Shanghai
feeds: [https://news.example/rss.xml]
sitemaps: https://cdn.example/sitemap.xml
sections: [https://news.example/world/, "http://127.0.0.1:8001/channel/a/"]
article_patterns: ['/content_\\d+\\.htm$']
limits: {max_pages: 50, max_depth: 2, max_age_days: 3}
schedule: "*/15 6-23 * * mon-fri"
extraction:
  drop_selectors: [".share", "#comments"]
  date_format: "%Y-%m-%d %H:%M"
  drop_patterns: ['^责任编辑']
"""


def write(tmp_path: Path, text: str, name: str = "source.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_source_file_loads_into_the_dataclasses(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    source = load_source(path)

    assert source.name == "local_news"
    assert source.allowed_domains == ("news.example", "127.0.0.1:8001")
    assert source.sitemaps == ("https://cdn.example/sitemap.xml",)  # a lone string is a list
    assert source.limits == CrawlLimits(max_pages=50, max_depth=2, max_age_days=3)
    assert source.extraction.drop_selectors == (".share", "#comments")
    assert source.extraction.date_format == "%Y-%m-%d %H:%M"
    assert source.article_patterns == (r"/content_\d+\.htm$",)
    assert source.path == str(path)
    assert not source.example
    assert source.start_points[0] == "https://news.example/rss.xml"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("name: local_news", "name: Local News"), "name", "lower-case"),
        (("language: zh", "language: Chinese"), "language", "language code"),
        (("timezone: Asia/Shanghai", "timezone: Mars/Olympus"), "timezone", "IANA"),
        (
            ("*/15 6-23 * * mon-fri", "*/15 25 * * *"),
            "schedule",
            "higher than the maximum value (23)",
        ),
        (("*/15 6-23 * * mon-fri", "hourly"), "schedule", "expected 5"),
        (("max_pages: 50", "max_pages: -1"), "limits.max_pages", "positive whole number"),
        (("max_depth: 2", "max_deep: 2"), "limits.max_deep", "unknown field"),
        (("https://news.example/world/", "ftp://news.example/"), "sections", "absolute http"),
        (("https://news.example/world/", "https://other.example/"), "sections", "outside allowed"),
        (("'/content_\\d+\\.htm$'", "'(unclosed'"), "article_patterns", "regular expression"),
        (('".share", "#comments"', "7"), "extraction.drop_selectors", "list of non-empty strings"),
        (
            ("drop_patterns: ['^责任编辑']", "drop_patterns: ['[']"),
            "extraction.drop_patterns",
            "regular",
        ),
        (("language: zh", "langauge: zh"), "langauge", "unknown field"),
        (('"127.0.0.1:8001"]', '"127.0.0.1:99999"]'), "allowed_domains", "domain name"),
    ],
)
def test_errors_name_the_file_and_the_field(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SourceConfigError) as caught:
        load_source(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: {field}:"), text
    assert message in text


def test_a_source_needs_a_start_point_and_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="needs at least one of feeds"):
        load_source(write(tmp_path, "name: empty\n"))
    with pytest.raises(SourceConfigError, match="expected a mapping"):
        load_source(write(tmp_path, "- just a list\n"))
    with pytest.raises(SourceConfigError, match=r"not valid YAML \(line 2\)"):
        load_source(write(tmp_path, "name: x\nfeeds: [unclosed\n"))
    with pytest.raises(SourceConfigError, match="cannot read"):
        load_source(tmp_path / "missing.yaml")


def test_load_sources_keys_by_name_and_rejects_duplicates(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, "name: other\nurls: [https://o.example/1.html]\n", "b.yml")
    write(tmp_path, "not a source", "notes.txt")
    assert sorted(load_sources(tmp_path)) == ["local_news", "other"]

    write(tmp_path, GOOD, "c.yaml")
    with pytest.raises(
        SourceConfigError, match=r"c\.yaml: name: 'local_news' is already used by .*a\.yaml"
    ):
        load_sources(tmp_path)
    with pytest.raises(SourceConfigError, match="sources directory not found"):
        load_sources(tmp_path / "nope")


def test_shipped_example_sources_are_valid_and_marked() -> None:
    sources = load_sources(REPO / "sources")
    assert len(sources) >= 4
    assert all(source.example for source in sources.values())
    assert {"en", "zh"} <= {source.language for source in sources.values()}
    for source in sources.values():
        assert source.schedule and cron_problem(source.schedule) is None


def test_url_allowed_checks_subdomains_and_ports() -> None:
    domains = ("news.example", "127.0.0.1:8001")
    assert url_allowed("https://www.news.example/a", domains)
    assert not url_allowed("https://badnews.example/a", domains)
    assert url_allowed("http://127.0.0.1:8001/x", domains)
    assert not url_allowed("http://127.0.0.1:8002/x", domains)
    assert url_allowed("http://anything.example/", ())


# --- hostile source files: bounded size, aliases and nesting; duplicate keys ------------------

# 9 levels of 9 aliases: 9**9 (387 million) strings once expanded. In `limits` its repr went
# into the error message, which never finished.
ALIAS_BOMB = """\
name: bomb
feeds: [https://news.example/rss.xml]
a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
limits: {max_pages: *i}
"""


def test_an_alias_bomb_is_a_one_line_error_at_once(tmp_path: Path) -> None:
    import time

    path = write(tmp_path, ALIAS_BOMB)
    assert path.stat().st_size < 500
    started = time.monotonic()
    with pytest.raises(SourceConfigError) as error:
        load_source(path)
    assert time.monotonic() - started < 1.0
    message = str(error.value)
    assert "\n" not in message and len(message) < 300
    assert "not valid YAML" in message and "expands to more than" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: a\nname: b\nfeeds: [https://x.example/rss]\n", r"\(line 2\).*duplicate key 'name'"),
        (
            "name: a\nfeeds: [https://x.example/rss]\nlimits: {max_pages: 1, max_pages: 2}\n",
            "duplicate key 'max_pages'",
        ),
        ("name: a\nfeeds: &x [*x]\n", "refers to itself"),
        ("name: a\nfeeds: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper than"),
        ("name: a\nfeeds: " + "[" * 60 + "]" * 60 + "\n", "nested deeper than 50"),
    ],
)
def test_duplicate_keys_recursion_and_deep_nesting_are_errors(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(SourceConfigError, match=expected):
        load_source(write(tmp_path, text))


def test_merge_keys_may_override_what_they_merge(tmp_path: Path) -> None:
    text = (
        "name: merged\nfeeds: [https://x.example/rss]\n"
        "limits:\n  <<: {max_pages: 5, max_depth: 2}\n  max_pages: 9\n"
    )
    assert load_source(write(tmp_path, text)).limits == CrawlLimits(max_pages=9, max_depth=2)


def test_an_oversized_source_file_is_refused_unread(tmp_path: Path) -> None:
    text = "name: big\nfeeds: [https://x.example/rss]\n# " + "x" * (2 * 1024 * 1024) + "\n"
    with pytest.raises(SourceConfigError, match="at most 1,048,576"):
        load_source(write(tmp_path, text))


def test_a_url_listed_twice_is_fetched_once(tmp_path: Path) -> None:
    text = "name: twice\nfeeds: [https://x.example/rss, https://x.example/rss]\n"
    assert load_source(write(tmp_path, text)).feeds == ("https://x.example/rss",)
