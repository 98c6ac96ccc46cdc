"""Canonical URLs and content fingerprints."""

from __future__ import annotations

import pytest

from pipeline.dedup.fingerprint import content_hash, hamming, normalize_text, simhash
from pipeline.dedup.urls import canonical_url, choose_canonical, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Example.com/a?utm_source=rss&utm_medium=feed", "http://example.com/a"),
        ("https://example.com:443/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("http://example.com:8080/a#comments", "http://example.com:8080/a"),
        ("http://example.com/a?id=7&fbclid=XYZ&spm=a.b.c", "http://example.com/a?id=7"),
        ("http://example.com/a/../b/./c.html", "http://example.com/b/c.html"),
        ("http://example.com", "http://example.com/"),
        (
            "http://news.example.cn/2022/0401/x.shtml?from=timeline",
            "http://news.example.cn/2022/0401/x.shtml?from=timeline",
        ),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_tracking_params_are_configurable() -> None:
    assert canonical_url("http://e.com/a?from=timeline&id=1", {"from"}) == "http://e.com/a?id=1"


def test_declared_canonical_only_on_same_site() -> None:
    page = "http://www.example.com/story?id=1&utm_campaign=x"
    assert choose_canonical(page, "https://example.com/story/1") == "https://example.com/story/1"
    assert choose_canonical(page, "https://news.example.com/s/1") == "https://news.example.com/s/1"
    # A syndicated copy pointing at the original publisher keeps its own URL.
    assert choose_canonical(page, "https://other.org/s/1") == "http://www.example.com/story?id=1"
    assert choose_canonical(page, "/relative") == "http://www.example.com/story?id=1"
    assert same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8001/b")
    assert not same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a")
    assert same_site("http://example.com/a", "https://example.com:443/a")


def test_content_hash_ignores_case_width_punctuation_and_spacing() -> None:
    a = "Hello,  World!\n\nSecond paragraph."
    b = "hello world\nsecond  paragraph"
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(a + " More.")
    assert normalize_text("ＡＢＣ，１２３") == "abc 123"


def test_simhash_is_close_for_near_copies_and_far_otherwise() -> None:
    base = " ".join(f"word{i % 97} token{i % 13}" for i in range(600))
    near = base.replace("word5 ", "changed ", 2)
    other = " ".join(f"alpha{i % 89} beta{i % 7}" for i in range(600))
    assert hamming(simhash(base), simhash(near)) <= 6
    assert hamming(simhash(base), simhash(other)) > 16
    assert -(2**63) <= simhash(base) < 2**63


def test_simhash_chinese_uses_character_trigrams() -> None:
    text = (
        "上海疫情防控，已到最为吃劲、最为关键的时刻。" * 20
        + "毫无疑问，这座城市正在经历一场大考中的大考。" * 20
    )
    assert hamming(simhash(text), simhash(text + "编辑")) <= 4
