"""Rendering an Article: JSON for tools, Markdown front matter + HTML for aggregators."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pipeline.extraction.render import article_to_json, article_to_markdown, export_html
from pipeline.items import Article, Image


def _article() -> Article:
    return Article(
        url="https://news.example.cn/2022/04/06/a.html",
        title="为基层分忧，群策群力共度时艰",
        text="疫情下，远眺上海陆家嘴。\n\n一段4分钟的录音。",
        html=(
            '<figure><img src="https://img.example.cn/1.jpeg" alt="陆家嘴">'
            "<figcaption>疫情下，远眺上海陆家嘴。张磊摄</figcaption></figure>"
            '<p>一段4分钟的录音，<a href="https://other.example.com/x">原文</a>。</p>'
        ),
        authors=["趣头条"],
        published=datetime(2022, 4, 6, 11, 45, 27, tzinfo=UTC),
        categories=["新媒体"],
        images=[Image("https://img.example.cn/1.jpeg", "疫情下，远眺上海陆家嘴。张磊摄", "陆家嘴")],
        word_count=19,
    )


def test_json_has_every_field_with_iso_dates() -> None:
    data = json.loads(article_to_json(_article()))
    assert data["published"] == "2022-04-06T11:45:27+00:00"
    assert data["images"][0] == {
        "src": "https://img.example.cn/1.jpeg",
        "caption": "疫情下，远眺上海陆家嘴。张磊摄",
        "alt": "陆家嘴",
    }
    assert {"title", "text", "html", "lead", "authors", "modified", "language", "tags"} <= set(data)


def test_markdown_front_matter_like_the_seed_export() -> None:
    md = article_to_markdown(_article())
    head, body = md.split("---\n\n", 1)
    assert "title: '为基层分忧，群策群力共度时艰'" in head
    assert "categories: \n - '新媒体'" in head
    assert "author: '趣头条'" in head
    assert "date: Wed, 06 Apr 2022 11:45:27 GMT" in head
    assert "thumbnail: 'https://img.example.cn/1.jpeg'" in head
    assert body.startswith("<div>\n<figure>") and body.rstrip().endswith("</div>")


def test_export_html_rewrites_images_and_links_only() -> None:
    out = export_html(_article().html)
    assert 'referrerpolicy="no-referrer"' in out and 'loading="lazy"' in out
    assert 'rel="nofollow noopener"' in out
    assert "<figcaption>疫情下，远眺上海陆家嘴。张磊摄</figcaption>" in out
    assert "<html" not in out and "<body" not in out
    assert export_html("") == ""
