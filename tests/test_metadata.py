"""Metadata extraction: each source of each field, on real-looking page snippets."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from pipeline.extraction import extract
from pipeline.extraction.metadata import extract_metadata
from pipeline.extraction.metadata.authors import is_ui_word, split_names
from pipeline.extraction.metadata.dates import (
    DateContext,
    date_from_url,
    find_date_in_text,
    parse_date_value,
    parse_iso,
)
from pipeline.extraction.metadata.title import strip_site_name
from pipeline.sources import ExtractionOverrides
from spiders.pages import date_from_url as spider_date_from_url

UTC = timezone.utc  # noqa: UP017 - explicit alias used in expectations
CST = timezone(timedelta(hours=8))


def page(head: str = "", body: str = "", lang: str | None = None) -> lxml.html.HtmlElement:
    lang_attr = f' lang="{lang}"' if lang else ""
    html = f"<!DOCTYPE html><html{lang_attr}><head>{head}</head><body>{body}</body></html>"
    return lxml.html.document_fromstring(html)


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --- JSON-LD ---------------------------------------------------------------------------


def test_jsonld_graph_with_author_reference_by_id() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://news.example/#site", "name": "Example News"},
            {
                "@type": "NewsArticle",
                "headline": "Council approves new tram line",
                "datePublished": "2024-05-03T15:47:42.389+02:00",
                "dateModified": "2024-05-03T18:01:00+02:00",
                "author": [{"@id": "https://news.example/#/person/jd"}],
                "articleSection": "Local",
                "keywords": "transport, trams",
                "inLanguage": "en-GB",
            },
            {"@type": "Person", "@id": "https://news.example/#/person/jd", "name": "Jane Doe"},
        ],
    }
    md = extract_metadata(
        page(head=ld(graph), body="<h1>Council approves new tram line</h1>"),
        "https://news.example/a/1",
    )
    assert md.title == "Council approves new tram line"
    assert md.authors == ["Jane Doe"]
    assert md.published == datetime(
        2024, 5, 3, 15, 47, 42, 389000, tzinfo=timezone(timedelta(hours=2))
    )
    assert md.modified == datetime(2024, 5, 3, 18, 1, tzinfo=timezone(timedelta(hours=2)))
    assert md.categories == ["Local"]
    assert md.tags == ["transport", "trams"]
    assert md.language == "en"


def test_jsonld_array_with_person_list_and_agency() -> None:
    data = [
        {"@type": "BreadcrumbList", "itemListElement": []},
        {
            "@type": ["NewsArticle"],
            "headline": "Storm cuts power to thousands",
            "datePublished": "2026-06-30T16:34:54Z",
            "author": [
                {
                    "@type": "Person",
                    "name": "Adam Vidler",
                    "url": "https://news.example/authors/av",
                },
                {"@type": "Organization", "name": "AP"},
            ],
            "publisher": {"@type": "Organization", "name": "Nine News"},
        },
    ]
    md = extract_metadata(page(head=ld(data)), "https://news.example/storm")
    assert md.authors == ["Adam Vidler", "AP"]
    assert md.published == datetime(2026, 6, 30, 16, 34, 54, tzinfo=UTC)
    assert md.site_name == "Nine News"


def test_broken_jsonld_with_trailing_comma_is_repaired() -> None:
    raw = '<script type="application/ld+json">{"@type": "Article", "headline": "Fixed", "author": {"name": "Ann Lee"},}</script>'
    md = extract_metadata(page(head=raw), None)
    assert md.title == "Fixed"
    assert md.authors == ["Ann Lee"]


def test_jsonld_headline_entities_are_unescaped() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "R&uuml;ckbau von Atomkraftwerk &quot;Gundremmingen&quot;",
    }
    md = extract_metadata(page(head=ld(data)), None)
    assert md.title == 'Rückbau von Atomkraftwerk "Gundremmingen"'


@pytest.mark.parametrize(
    "nested",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        # Parsable, but deeper than any value worth reading: it must not exhaust the stack.
        '{"@type": "NewsArticle", "headline": ' + "[" * 985 + '"x"' + "]" * 985 + "}",
    ],
    ids=["array-100k", "object-100k", "headline-985"],
)
def test_deeply_nested_jsonld_block_is_ignored_and_the_article_kept(nested: str) -> None:
    good = ld(
        {
            "@type": "NewsArticle",
            "headline": "Council approves new tram line",
            "author": {"@type": "Person", "name": "Jane Doe"},
        }
    )
    html = (
        f'<html><head><script type="application/ld+json">{nested}</script>{good}</head>'
        "<body><article><h1>Council approves new tram line</h1>"
        f"<p>{'The council voted on Tuesday to build the new tram line across town. ' * 6}</p>"
        "</article></body></html>"
    ).encode()
    article = extract(html, "https://news.example/a/1")
    assert article.title == "Council approves new tram line"
    assert article.authors == ["Jane Doe"]  # the well-formed block beside it is still read
    assert "voted on Tuesday" in article.text


# --- titles ----------------------------------------------------------------------------


def test_og_title_site_suffix_is_stripped() -> None:
    head = (
        '<meta property="og:site_name" content="CBC News">'
        '<meta property="og:title" content="What\'s next for Gaza | CBC News">'
        "<title>What's next for Gaza | CBC News</title>"
    )
    md = extract_metadata(page(head=head), "https://www.cbc.ca/news/world/gaza-1.7289")
    assert md.title == "What's next for Gaza"


def test_chinese_title_suffix_and_h1() -> None:
    head = "<title>拿出10万元投资房产 小两口尝试以钱生钱_新浪房产_新浪网</title>"
    body = "<div class='main'><h1>拿出10万元投资房产 小两口尝试以钱生钱</h1></div>"
    md = extract_metadata(
        page(head=head, body=body), "http://bj.house.sina.com.cn/p/2005-03-31/1.html"
    )
    assert md.title == "拿出10万元投资房产 小两口尝试以钱生钱"


def test_section_suffix_dropped_when_og_and_h1_agree() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Bubi-Bomber wieder da | Sport"}) + (
        '<meta property="og:title" content="Bubi-Bomber wieder da">'
    )
    md = extract_metadata(page(head=head, body="<h1>Bubi-Bomber wieder da</h1>"), None)
    assert md.title == "Bubi-Bomber wieder da"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("劳伦斯：一个无法定义的“洛克菲勒”-搜狐财经", "劳伦斯：一个无法定义的“洛克菲勒”"),
        ("促进航天技术更好惠及人民--时政--人民网", "促进航天技术更好惠及人民"),
        (
            "千龙网--汽车--广汽回应现代合资内幕 全面合作项目即将展开",
            "广汽回应现代合资内幕 全面合作项目即将展开",
        ),
        ("Fialova vláda podá demisi - Seznam Zprávy", "Fialova vláda podá demisi"),
        ("Headline here – The Gateway Pundit | by Cristina Laila", "Headline here"),
        ("Ausschuss tagt | tagesschau.de", "Ausschuss tagt"),
        ("A - B: no site here", "A - B: no site here"),
    ],
)
def test_strip_site_name(raw: str, expected: str) -> None:
    sites = {"seznamzpravy", "thegatewaypundit", "tagesschaude", "tagesschau"}
    assert strip_site_name(raw, sites) == expected


# --- authors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Birgit Baumann und Anna Giulia Fink", ["Birgit Baumann", "Anna Giulia Fink"]),
        ("Por Chus del Pino y Martí Abad", ["Chus del Pino", "Martí Abad"]),
        ("Autor: Tobias Költzsch", ["Tobias Költzsch"]),
        ("Jane Doe, Senior Reporter", ["Jane Doe"]),
        ("Jane Doe (jane.doe@news.example)", ["Jane Doe"]),
        ("di Viviana Mazza", ["Viviana Mazza"]),
        ("作者：朱珉迕", ["朱珉迕"]),
        ("王建宏、张文攀", ["王建宏", "张文攀"]),
        ("https://www.facebook.com/someone", []),
        ("Erstellt von Andri Bryner", ["Andri Bryner"]),
        ("Jane Doe – Reuters", ["Jane Doe"]),
        ("Jane Doe - Updated 10:03", ["Jane Doe"]),
        ("Bob Fischer | Weitere Artikel", ["Bob Fischer"]),
        ("Bob Fischer, Weitere Artikel", ["Bob Fischer"]),
        ("Veröffentlicht am", []),
        ("Mehr", []),
        ("No Author", []),
        ("回首页", []),
        ("关注", []),
    ],
)
def test_split_names(raw: str, expected: list[str]) -> None:
    assert split_names(raw) == expected


def test_profile_url_meta_author_derives_nothing() -> None:
    head = '<meta property="article:author" content="https://www.facebook.com/newsdesk">'
    assert extract_metadata(page(head=head, body="<p>Text</p>"), None).authors == []
    # Control: a byline in the page, which a name derived from the meta would outrank.
    body = "<h1>Headline</h1><span class='byline'>By Jane Doe</span><p>Text</p>"
    assert extract_metadata(page(head=head, body=body), None).authors == ["Jane Doe"]


def test_site_named_author_yields_to_byline_person() -> None:
    head = ld(
        {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "n-tv NACHRICHTEN"}}
    )
    head += '<meta property="og:site_name" content="n-tv NACHRICHTEN">'
    body = '<article><h1>Headline</h1><span class="author-name">Seb Dumitru</span><p>Body.</p></article>'
    md = extract_metadata(page(head=head, body=body), "https://www.n-tv.de/sport/x.html")
    assert md.authors == ["Seb Dumitru"]


def test_site_only_author_is_kept_when_no_person_is_named() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "BBC News"}})
    md = extract_metadata(
        page(head=head, body="<h1>What is the OBR?</h1>"), "https://www.bbc.com/news/x"
    )
    assert md.authors == ["BBC News"]


def test_rel_author_links_extend_a_shortened_jsonld_list() -> None:
    head = ld(
        {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Marlene Lundberg Holm"}}
    )
    body = (
        '<div class="byline"><a rel="author" href="/a/1">Ingrid Treborg</a>'
        '<a rel="author" href="/a/2">Marlene Lundberg Holm</a></div>'
    )
    md = extract_metadata(page(head=head, body=body), None)
    assert md.authors == ["Ingrid Treborg", "Marlene Lundberg Holm"]


def test_byline_element_ignores_teaser_authors() -> None:
    body = (
        "<article><h1>Main story</h1>"
        '<div class="article-meta"><span class="byline">By Jane Doe and John Roe</span></div>'
        "<p>Body text.</p></article>"
        '<aside class="related"><span class="author">Other Writer</span></aside>'
    )
    md = extract_metadata(page(body=body), None)
    assert md.authors == ["Jane Doe", "John Roe"]


def test_text_byline_after_headline_dedupes_case_insensitively() -> None:
    head = '<meta name="author" content="JANE DOE">'
    md = extract_metadata(page(head=head, body="<h1>Title</h1><p>By Jane Doe</p>"), None)
    assert md.authors == ["JANE DOE"]


def test_labelled_author_in_info_box() -> None:
    body = (
        "<h1>Ukrainische Gegenoffensive</h1><p>" + "Text. " * 60 + "</p>"
        "<ul><li><strong>Datum</strong> 28.04.2023</li>"
        "<li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>"
    )
    md = extract_metadata(page(body=body, lang="de"), None)
    assert md.authors == ["Roman Goncharenko"]
    assert md.published == datetime(2023, 4, 28)


# --- Chinese bylines ------------------------------------------------------------------


def test_chinese_source_author_date_line() -> None:
    body = (
        "<div class='crumb'>我的位置: 政情 &gt; 上海一周</div>"
        "<h1>上海一周政情观察</h1>"
        "<div class='info'>来源:上观新闻 作者:朱珉迕 2022-04-01 10:03</div>"
        "<div class='content'><p>正文第一段。</p><p>责任编辑：王某某</p><p>题图来源：视觉中国</p></div>"
    )
    md = extract_metadata(page(body=body), None, default_tz="Asia/Shanghai")
    assert md.authors == ["朱珉迕"]
    assert md.source_name == "上观新闻"
    assert md.published == datetime(2022, 4, 1, 10, 3, tzinfo=md.published.tzinfo)
    assert md.published.utcoffset() == timedelta(hours=8)
    assert "责任编辑：王某某" in md.credits
    assert "题图来源：视觉中国" in md.credits
    assert md.language == "zh"


def test_chinese_reporters_over_two_lines_and_date_label() -> None:
    body = (
        "<h1>高校毕业生就业调查</h1>"
        "<p>发布时间：2022年2月13日 09:57</p>"
        "<p>光明日报记者 王建宏 张文攀</p>"
        "<p>本报通讯员 李四</p>"
        "<p>记者采访时称，这是一段很长的正文，不应被当作署名读取。</p>"
    )
    md = extract_metadata(page(body=body), None)
    assert md.authors == ["王建宏", "张文攀", "李四"]
    assert md.published == datetime(2022, 2, 13, 9, 57)  # naive: no zone given


def test_chinese_dateline_in_first_paragraph() -> None:
    body = "<h1>西藏改厕</h1><p>据新华社拉萨电（记者 格桑边觉）记者近日从西藏自治区农业农村厅召开的全区农牧业工作会议上了解到。</p>"
    assert extract_metadata(page(body=body), None).authors == ["格桑边觉"]


def test_chinese_breadcrumb_is_not_a_byline() -> None:
    body = (
        "<div>当前位置： 首页｜新华社记者看东北｜人物专访</div><h1>标题</h1><p>新华网 记者 伊琳</p>"
    )
    assert extract_metadata(page(body=body), None).authors == ["伊琳"]


# --- dates -----------------------------------------------------------------------------


def test_meta_date_sources_in_order() -> None:
    head = (
        '<meta name="parsely-pub-date" content="2024-04-28T07:00:00Z">'
        '<meta property="article:published_time" content="2024-04-28T09:00:00+02:00">'
    )
    md = extract_metadata(page(head=head), None)
    assert md.published == datetime(2024, 4, 28, 9, 0, tzinfo=timezone(timedelta(hours=2)))


def test_time_element_with_pubdate() -> None:
    body = '<article><h1>T</h1><time class="updated" datetime="2024-01-02T10:00:00Z">x</time><time itemprop="datePublished" datetime="2024-01-01T08:30:00Z">x</time></article>'
    md = extract_metadata(page(body=body), None)
    assert md.published == datetime(2024, 1, 1, 8, 30, tzinfo=UTC)
    assert md.modified == datetime(2024, 1, 2, 10, 0, tzinfo=UTC)


def test_date_only_meta_borrows_same_day_time_from_page() -> None:
    head = '<meta name="date" content="2022-02-13">'
    body = "<h1>标题</h1><p>2022-02-13 07:48 来源：新华网</p>"
    md = extract_metadata(page(head=head, body=body), None, default_tz="Asia/Shanghai")
    assert (md.published.year, md.published.hour, md.published.minute) == (2022, 7, 48)
    assert md.published.utcoffset() == timedelta(hours=8)


def test_caption_dates_are_not_publish_dates() -> None:
    body = (
        "<h1>Gegenoffensive</h1>"
        "<p>Ukrainische Kriegstechnik bei den Kämpfen um Bachmut, 24. April 2023</p>"
        "<p>Veröffentlicht am 28. April 2023, 18:11 Uhr</p>"
    )
    md = extract_metadata(page(body=body), None)
    assert md.published == datetime(2023, 4, 28, 18, 11)


def test_english_updated_line_with_zone_abbreviation() -> None:
    parsed = find_date_in_text("Updated 3:04 PM EST, March 1, 2024", DateContext())
    assert parsed == datetime(2024, 3, 1, 15, 4, tzinfo=timezone(timedelta(hours=-5)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3小时前", datetime(2022, 4, 1, 9, 0, tzinfo=CST)),
        ("2 hours ago", datetime(2022, 4, 1, 10, 0, tzinfo=CST)),
        ("昨天 10:00", datetime(2022, 3, 31, 10, 0, tzinfo=CST)),
        ("刚才发布的一条很长很长很长很长很长很长很长很长很长很长的评论里说今天天气好", None),
    ],
)
def test_relative_times_against_fetched_at(text: str, expected: datetime | None) -> None:
    fetched = datetime(2022, 4, 1, 4, 0, 30, tzinfo=UTC)  # 12:00:30 in Shanghai
    context = DateContext(fetched_at=fetched, default_tz=CST)
    assert find_date_in_text(text, context) == expected


def test_relative_time_in_page_uses_fetched_at_and_source_zone() -> None:
    body = "<h1>快讯</h1><p><span class='time'>3小时前</span></p>"
    fetched = datetime(2022, 4, 1, 4, 0, tzinfo=UTC)
    md = extract_metadata(page(body=body), None, fetched_at=fetched, default_tz="Asia/Shanghai")
    assert md.published is not None
    assert md.published.astimezone(UTC) == datetime(2022, 4, 1, 1, 0, tzinfo=UTC)


def test_naive_time_stays_naive_without_default_zone() -> None:
    md = extract_metadata(page(head='<meta name="pubdate" content="2024-04-28 15:19">'), None)
    assert md.published == datetime(2024, 4, 28, 15, 19)
    assert md.published.tzinfo is None


def test_page_offset_is_kept_over_default_zone() -> None:
    head = '<meta property="article:published_time" content="2024-09-02T17:07:00+05:30">'
    md = extract_metadata(page(head=head), None, default_tz="Europe/Berlin")
    assert md.published.utcoffset() == timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-03T15:47:42.389Z", datetime(2024, 5, 3, 15, 47, 42, 389000, tzinfo=UTC)),
        (
            "2024-05-03T15:47:42+0200",
            datetime(2024, 5, 3, 15, 47, 42, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2024-05-03 15:47", datetime(2024, 5, 3, 15, 47)),
        ("2024-05-03", datetime(2024, 5, 3)),
        ("May 3, 2024", None),
    ],
)
def test_parse_iso(value: str, expected: datetime | None) -> None:
    assert parse_iso(value) == expected


# --- other fields ----------------------------------------------------------------------


def test_language_canonical_image_description() -> None:
    head = (
        '<link rel="canonical" href="/politik/artikel-1.html">'
        '<meta property="og:image" content="/img/lead.jpg">'
        '<meta property="og:description" content="Kurz gesagt.">'
        '<meta property="article:section" content="Politik">'
        '<meta property="article:tag" content="Wahl"><meta property="article:tag" content="Berlin">'
    )
    md = extract_metadata(
        page(head=head, lang="de-DE"), "https://zeitung.example/politik/artikel-1.html?utm_source=x"
    )
    assert md.language == "de"
    assert md.canonical_url == "https://zeitung.example/politik/artikel-1.html"
    assert md.image == "https://zeitung.example/img/lead.jpg"
    assert md.description == "Kurz gesagt."
    assert md.categories == ["Politik"]
    assert md.tags == ["Wahl", "Berlin"]


def test_language_guessed_from_script_without_declaration() -> None:
    md = extract_metadata(
        page(body="<h1>イスラエルとハマスの停戦</h1><p>最終案に双方同意か。</p>"), None
    )
    assert md.language == "ja"


def test_hints_fill_what_the_page_lacks() -> None:
    hints = {"title": "Feed title", "published": "2024-04-28T07:00:00Z", "authors": ["Ann Lee"]}
    md = extract_metadata(page(body="<p>Only text.</p>"), None, hints=hints)
    assert md.title == "Feed title"
    assert md.authors == ["Ann Lee"]
    assert md.published == datetime(2024, 4, 28, 7, 0, tzinfo=UTC)


def test_tree_is_not_mutated() -> None:
    tree = page(
        head=ld({"@type": "NewsArticle", "headline": "H"})
        + '<meta property="og:title" content="H | Site">',
        body="<h1>H</h1><div class='byline'>By Jane Doe</div><p>来源：新华网 2022-04-01 10:03</p>",
    )
    before = lxml.html.tostring(tree)
    extract_metadata(tree, "https://site.example/x", fetched_at=datetime(2022, 4, 1, tzinfo=UTC))
    assert lxml.html.tostring(tree) == before


# --- per-source overrides --------------------------------------------------------------


def test_source_overrides_win_over_generic_rules() -> None:
    head = ld({"@type": "NewsArticle", "headline": "SEO headline", "author": {"name": "Desk"}})
    body = (
        "<h1 class='hl'>Real headline</h1><p class='writer'>Text: Jane Doe, John Roe</p>"
        "<span class='stamp'>01.04.2022 10:03</span>"
    )
    overrides = ExtractionOverrides(
        title_selector="h1.hl",
        author_selector="p.writer",
        date_selector="span.stamp",
        date_format="%d.%m.%Y %H:%M",
    )
    md = extract_metadata(
        page(head=head, body=body), None, default_tz="Europe/Berlin", overrides=overrides
    )
    assert md.title == "Real headline"
    assert md.authors == ["Jane Doe", "John Roe"]
    assert md.published == datetime(2022, 4, 1, 10, 3, tzinfo=ZoneInfo("Europe/Berlin"))


def test_bad_override_selector_falls_back_to_generic() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Generic"})
    md = extract_metadata(
        page(head=head), None, overrides=ExtractionOverrides(title_selector="h1[[")
    )
    assert md.title == "Generic"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Analysis by Chris Cillizza, CNN Editor-at-large", ["Chris Cillizza"]),
        ("Rachael Link, MS, RD", ["Rachael Link"]),
        ("GREG BEACHAM, AP Sports Writer", ["GREG BEACHAM"]),
        ("Guardian staff reporter", ["Guardian staff reporter"]),
    ],
)
def test_structured_author_lists_drop_roles(raw: str, expected: list[str]) -> None:
    assert split_names(raw, structured=True) == expected


def test_site_domain_is_not_listed_next_to_a_person() -> None:
    head = ld(
        {"@type": "NewsArticle", "author": [{"name": "Troy L. Smith"}, {"name": "Cleveland.com"}]}
    )
    md = extract_metadata(page(head=head), "https://www.cleveland.com/news/x.html")
    assert md.authors == ["Troy L. Smith"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ggjjzhzz 发表于 2005-9-15 11:46:00", ["ggjjzhzz"]),
        ("由海姑娘张贴 @ 2005-06-14 03:25:55 (370) 共 11 篇评论", ["海姑娘"]),
        ("〓 网易娱乐 明星话题 发布时间 2005/03/15 22:36:13 by duscha 〓", ["duscha"]),
        ("本文由新华社发布", []),
    ],
)
def test_forum_and_blog_posters(line: str, expected: list[str]) -> None:
    body = "<div class='post'><p>帖子正文内容。</p><p>" + line + "</p></div>"
    assert extract_metadata(page(body=body), None).authors == expected


def test_seed_page_header_and_credits() -> None:
    """The layout of shared/seeds/004 (上观新闻): breadcrumb, share bar, source line, credits."""
    head = "<title>【上海一周】坚持就是胜利,坚持才能胜利 - 上观新闻</title>"
    body = (
        "<div class='crumb'>我的位置: 政情 &gt; 上海一周 &gt; 文章详情</div>"
        "<div class='article'><h1>【上海一周】坚持就是胜利,坚持才能胜利</h1>"
        "<div class='share'>分享至: <span>(66)</span><span>(7)</span> 收藏</div>"
        "<div class='src'>来源:上观新闻 作者:朱珉迕 2022-04-01 10:03</div>"
        "<div class='summary'>摘要:“困难再大,大家一起扛过去。”</div>"
        "<p>上海疫情防控,已到最为吃劲、最为关键的时刻。</p>"
        "<p>题图来源:孟雨涵 摄 编辑邮箱:shzhengqing@126.com</p></div>"
    )
    md = extract_metadata(page(head=head, body=body), None, default_tz="Asia/Shanghai")
    assert md.title == "【上海一周】坚持就是胜利,坚持才能胜利"
    assert md.authors == ["朱珉迕"]
    assert md.source_name == "上观新闻"
    assert md.published == datetime(2022, 4, 1, 10, 3, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert md.credits == ["题图来源:孟雨涵 摄"]


def test_portal_source_in_brackets() -> None:
    body = (
        "<div>BUSINESS.SOHU.COM 2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]</div><p>正文。</p>"
    )
    md = extract_metadata(page(body=body), None)
    assert md.source_name == "国际金融报"
    assert md.authors == ["黄宇"]
    assert md.published == datetime(2004, 7, 16, 8, 19)


def test_standalone_author_line_under_title() -> None:
    body = (
        "<div>首页</div><div>要闻</div><div>江苏</div>"
        "<p>犬儒病(上)</p><p>胡平</p><p>——当代中国的精神危机 (上)</p>"
        "<p>" + "人心不会熄灭，但它可能蒙上灰烬而不再燃烧。" * 3 + "</p>"
    )
    assert extract_metadata(page(body=body), None).authors == ["胡平"]


def test_menu_words_are_not_standalone_authors() -> None:
    body = (
        "<p>吉林省人民政府信息公开</p><p>登录 注册</p><p>"
        + "政府信息公开基础平台的正文内容。" * 4
        + "</p>"
    )
    assert extract_metadata(page(body=body), None).authors == []
    # Control: a name in the same place is read.
    body = body.replace("登录 注册", "李小明")
    assert extract_metadata(page(body=body), None).authors == ["李小明"]


def test_published_and_updated_lines_in_text() -> None:
    body = (
        "<h1>Storm hits coast</h1>"
        "<p>Updated 3:04 PM EST, March 2, 2024</p>"
        "<p>Published 9:15 AM EST, March 1, 2024</p>"
        "<p>" + "Body text of the article. " * 5 + "</p>"
    )
    md = extract_metadata(page(body=body), None)
    est = timezone(timedelta(hours=-5))
    assert md.published == datetime(2024, 3, 1, 9, 15, tzinfo=est)
    assert md.modified == datetime(2024, 3, 2, 15, 4, tzinfo=est)


def test_agency_tail_after_bar_is_dropped_from_text_byline() -> None:
    body = "<h1>Markets rally</h1><p>By Jane Doe | Reuters</p><p>" + "Text. " * 20 + "</p>"
    assert extract_metadata(page(body=body), None).authors == ["Jane Doe"]


def test_agency_tail_after_bar_is_dropped_from_byline_element() -> None:
    body = (
        "<article><h1>Markets rally</h1><div class='byline'>By Jane Doe | Reuters</div></article>"
    )
    assert extract_metadata(page(body=body), None).authors == ["Jane Doe"]


def test_korean_reporter_byline() -> None:
    body = (
        "<h1>이재명 광주 유세</h1><p>구현모 기자 입력 2025.05.15 20:00</p><p>"
        + "본문 내용입니다. " * 10
        + "</p>"
    )
    assert extract_metadata(page(body=body), None).authors == ["구현모"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28.04.2023, 18:11 Uhr", datetime(2023, 4, 28, 18, 11)),
        ("04/28/2024 9:05 pm", datetime(2024, 4, 28, 21, 5)),
        ("2022年4月1日 10:03", datetime(2022, 4, 1, 10, 3)),
        ("1. März 2024 um 10:03", datetime(2024, 3, 1, 10, 3)),
        ("15 de octubre de 2024", datetime(2024, 10, 15)),
        (
            "2024-04-30T16:48:00+03:00",
            datetime(2024, 4, 30, 16, 48, tzinfo=timezone(timedelta(hours=3))),
        ),
    ],
)
def test_text_date_formats(text: str, expected: datetime) -> None:
    assert find_date_in_text(text, DateContext()) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Near-ISO values with a zone name or offset ISO does not take keep time and zone.
        ("2022-05-04T03:00:00 UTC", datetime(2022, 5, 4, 3, 0, tzinfo=UTC)),
        ("2022-02-11 09:52 GMT+0800", datetime(2022, 2, 11, 9, 52, tzinfo=CST)),
        ("2022-02-11T09:52:00+08:00[Asia/Shanghai]", datetime(2022, 2, 11, 9, 52, tzinfo=CST)),
        ("2022-02-11", datetime(2022, 2, 11)),
        # ISO's basic format, with the stray Z some CMSs add after an offset.
        ("20120105T2135+0400Z", datetime(2012, 1, 5, 21, 35, tzinfo=timezone(timedelta(hours=4)))),
        ("20120105T213501Z", datetime(2012, 1, 5, 21, 35, 1, tzinfo=UTC)),
        ("03-01-2012", datetime(2012, 1, 3)),
        # US zone names without S/D take the offset of their date.
        (
            "Feb. 11, 2022 at 9:52 p.m. ET",
            datetime(2022, 2, 11, 21, 52, tzinfo=ZoneInfo("America/New_York")),
        ),
        (
            "July 11, 2022 at 9:52 p.m. PT",
            datetime(2022, 7, 11, 21, 52, tzinfo=ZoneInfo("America/Los_Angeles")),
        ),
        (
            "Published 9:52 AM ET, Fri February 11, 2022",
            datetime(2022, 2, 11, 9, 52, tzinfo=ZoneInfo("America/New_York")),
        ),
    ],
)
def test_meta_date_values_keep_time_and_zone(value: str, expected: datetime) -> None:
    parsed = parse_date_value(value, DateContext())
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://techcrunch.com/2019/11/18/new-york-state/", datetime(2019, 11, 18)),
        ("http://business.sohu.com/20050311/n224643115.shtml", datetime(2005, 3, 11)),
        ("http://bj.house.sina.com.cn/p/2005-03-31/031868306.html", datetime(2005, 3, 31)),
        ("https://news.example/articles/12345678", None),
    ],
)
def test_date_from_url_is_the_last_resort(url: str, expected: datetime | None) -> None:
    assert extract_metadata(page(body="<p>No dates here.</p>"), url).published == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Separated parts, one or two digits.
        ("https://techcrunch.com/2019/11/18/new-york-state/", date(2019, 11, 18)),
        ("https://news.example/2019/1/5/slug", date(2019, 1, 5)),
        ("http://bj.house.sina.com.cn/p/2005-03-31/031868306.html", date(2005, 3, 31)),
        ("http://a/html/2026-11/24/content_1.htm", date(2026, 11, 24)),
        ("https://news.example/news/2026_11_24_storm.html", date(2026, 11, 24)),
        ("https://news.example/2026-11-24-storm-hits", date(2026, 11, 24)),
        # Packed two-digit parts.
        ("http://business.sohu.com/20050311/n224643115.shtml", date(2005, 3, 11)),
        ("http://a/20261124/c.html", date(2026, 11, 24)),
        ("http://a/202611/24/c.html", date(2026, 11, 24)),
        # The query is not the path; impossible days and long ids are not dates.
        ("https://news.example/a?d=2026/11/24/", None),
        ("http://a/2026/13/01/x.html", None),
        ("http://a/2026/02/30/x.html", None),
        ("http://a/a/123456.html", None),
        ("http://a/20191205123.html", None),
        ("https://news.example/articles/12345678", None),
        (None, None),
    ],
)
def test_date_from_url_cases(url: str | None, expected: date | None) -> None:
    found = date_from_url(url)
    assert (found.date() if found else None) == expected
    if found is not None:
        assert found.tzinfo is None and (found.hour, found.minute) == (0, 0)
        assert date_from_url(url, UTC) == found.replace(tzinfo=UTC)


def test_spider_reads_the_url_day_with_the_extraction_rules() -> None:
    # The spider's cutoff check compares aware UTC datetimes; the rules are the same.
    for url in ("http://a/2019/1/5/x", "http://a/2026-11/24/x.htm", "http://a/20050311/n.shtml"):
        assert spider_date_from_url(url) == date_from_url(url, UTC)
    assert spider_date_from_url("http://a/2026/1/5/x") == datetime(2026, 1, 5, tzinfo=UTC)


def test_truncated_jsonld_headline_is_completed_from_og() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Council approves the new tram line after a…"})
    head += '<meta property="og:title" content="Council approves the new tram line after a decade of debate">'
    md = extract_metadata(page(head=head), None)
    assert md.title == "Council approves the new tram line after a decade of debate"


def test_site_name_as_jsonld_headline_is_skipped() -> None:
    head = (
        ld({"@type": "NewsArticle", "headline": "CBC News"})
        + '<meta property="og:site_name" content="CBC News">'
    )
    head += '<meta property="og:title" content="Gaza talks resume | CBC News">'
    assert (
        extract_metadata(page(head=head), "https://www.cbc.ca/news/1").title == "Gaza talks resume"
    )


def test_naive_fetch_time_is_utc_for_relative_dates() -> None:
    # 2022-03-31 20:00 UTC is already 2022-04-01 04:00 in Shanghai: "昨天" is 31 March there.
    context = DateContext(fetched_at=datetime(2022, 3, 31, 20, 0), default_tz=CST)
    assert find_date_in_text("昨天 10:00", context) == datetime(2022, 3, 31, 10, 0, tzinfo=CST)


def test_by_line_far_below_headline_is_ignored() -> None:
    body = "<h1>US, Manila launch war games</h1><p>AFP, MANILA</p>" + "<p>Paragraph.</p>" * 30
    body += "<p>By Ben Blanchard and Yimou Lee</p>"
    assert extract_metadata(page(body=body), None).authors == []
    # Control: the same line under the headline is the byline.
    near = body.replace("<p>AFP, MANILA</p>", "<p>By Ben Blanchard and Yimou Lee</p>")
    assert extract_metadata(page(body=near), None).authors == ["Ben Blanchard", "Yimou Lee"]


# --- UI words and comment widgets are never authors --------------------------------------


def test_label_after_spaced_chinese_name_is_not_a_second_name() -> None:
    # Table-layout pages print 作者 and 发表时间 on one line, separated by ideographic spaces.
    body = (
        "<b>回忆母亲的老屋</b><div>作者：陈秋生\u3000\u3000发表时间：2006-11-03</div><p>正文。</p>"
    )
    md = extract_metadata(page(body=body, lang="zh"), None)
    assert md.authors == ["陈秋生"]


@pytest.mark.parametrize(
    "raw",
    ["发表", "评论", "分享", "收藏", "登录", "注册", "回复", "编辑", "匿名", "网友", "游客",
     "Reply", "Share", "Comment", "Login", "Sign in", "Anonymous"],
)  # fmt: skip
def test_ui_words_are_not_names(raw: str) -> None:
    assert split_names(raw) == []
    assert split_names(f"作者：{raw}") == []
    assert split_names(f"By {raw}") == []


def test_names_beside_ui_words_survive() -> None:
    assert split_names("陈秋生、李华") == ["陈秋生", "李华"]
    assert split_names("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]


def test_commenters_in_marked_comment_widget_are_not_authors() -> None:
    body = (
        "<div class='opinion-piece'><h1>Why our town should keep its market</h1>"
        "<p class='author-line'>By Judith Carey</p>"
        "<div class='piece-text'><p>"
        + "The market is the reason many of us come to town. "
        * 4
        + "</p></div>"
        "<div class='reader-responses'><h3>14 Comments</h3>"
        "<div class='response'><p class='response-author'>Graham P.</p><p>I agree.</p></div>"
        "<div class='response'><p class='response-author'>Ann-Marie</p><p>I do not.</p></div>"
        "</div></div>"
    )
    assert extract_metadata(page(body=body), None).authors == ["Judith Carey"]


def test_author_elements_after_a_comments_heading_are_commenters() -> None:
    # The widget's classes say nothing; the "Comments" heading before it does.
    body = (
        "<article><h1>Why our town should keep its market</h1>"
        "<p class='byline'>By Judith Carey</p>"
        "<p>" + "The market is the reason many of us come to town. " * 4 + "</p>"
        "<h2>Comments</h2>"
        "<div class='c1'><span class='author'>Graham Price</span><p>I agree.</p></div>"
        "</article>"
    )
    assert extract_metadata(page(body=body), None).authors == ["Judith Carey"]


def test_comment_heading_ends_the_byline_search_in_text() -> None:
    # No marked byline: the first "By …" line after the article's prose and a comments
    # heading is a commenter's signature.
    body = (
        "<h1>Why our town should keep its market</h1>"
        "<p>" + "The market is the reason many of us come to town. " * 4 + "</p>"
        "<h3>评论(3)</h3><p>By Graham Price</p><p>I agree with this.</p>"
    )
    assert extract_metadata(page(body=body), None).authors == []
    # Control: without the comments heading the same line is read as the byline.
    body = body.replace("<h3>评论(3)</h3>", "")
    assert extract_metadata(page(body=body), None).authors == ["Graham Price"]


def test_responsive_layout_class_does_not_hide_the_byline() -> None:
    body = (
        "<div class='container-responsive'><h1>Bridge reopens after repairs</h1>"
        "<span class='author'>Jane Doe</span><p>Text.</p></div>"
    )
    assert extract_metadata(page(body=body), None).authors == ["Jane Doe"]


_GOLDEN = Path(__file__).parent / "fixtures" / "extraction"


@pytest.mark.parametrize("name", sorted(p.stem for p in _GOLDEN.glob("*.json")))
def test_golden_pages_credit_no_ui_word_or_commenter(name: str) -> None:
    """Exact authors where the fixture names them; no UI word or commenter on any page."""
    from pipeline.extraction import extract

    expected = json.loads((_GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    html = (_GOLDEN / f"{name}.html").read_bytes()
    article = extract(html, expected["url"], headers=expected.get("headers"))
    if "authors" in expected:
        assert article.authors == expected["authors"]
    assert not [a for a in article.authors if is_ui_word(a)]
    if name == "en_comments_like_paragraphs":
        # The fixture leaves authors out (it states no date); its byline is plain, its
        # commenters are marked only as "response" authors.
        assert article.authors == ["Judith Carey"]


_PROSE_P = (
    "<p>" + "The quarry company has come under heavy criticism from five communities. " * 2 + "</p>"
)


def test_bold_signature_names_the_writer_when_the_site_credits_itself() -> None:
    head = ld(
        {
            "@type": "NewsArticle",
            "headline": "Quarry row",
            "author": {"@type": "Organization", "name": "Valley Times"},
        }
    )
    head += '<meta property="og:site_name" content="Valley Times">'
    body = (
        "<div class='entry-content'><p>…as communities cry foul</p>"
        "<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>" + _PROSE_P * 4 + "</div>"
    )
    md = extract_metadata(page(head=head, body=body), None)
    assert md.authors == ["Mathatisi Sebusi", "Mohalenyane Phakela"]


def test_closing_bold_signature_and_subheadings() -> None:
    head = '<meta name="author" content="Valley Times"><meta property="og:site_name" content="Valley Times">'
    closing = (
        "<article>" + _PROSE_P * 4 + "<p style='text-align:right'><b>Lê Phương</b></p></article>"
    )
    assert extract_metadata(page(head=head, body=closing), None).authors == ["Lê Phương"]
    # A bold subheading is no signature; nor is a signature read when a person is credited.
    subheading = "<article><p><strong>The al-Tanf base</strong></p>" + _PROSE_P * 4 + "</article>"
    assert extract_metadata(page(head=head, body=subheading), None).authors == ["Valley Times"]
    person = '<meta name="author" content="Jane Doe">'
    assert extract_metadata(page(head=person, body=closing), None).authors == ["Jane Doe"]


def test_author_meta_naming_the_publisher_yields_to_scholar_author() -> None:
    head = (
        '<meta name="citation_publisher" content="中文学术期刊,汉斯出版社,Hans Publishers">'
        '<meta name="Author" content="中文学术期刊,汉斯出版社,Hans Publishers">'
        '<meta name="citation_authors" content="赵  培">'
    )
    md = extract_metadata(page(head=head, body="<h1>淘宝网物流配送存在的问题及对策研究</h1>"), None)
    assert md.authors == ["赵培"]


def test_closing_reporter_credit_at_end_of_long_paragraph() -> None:
    prose = (
        "组委会还成立了投资、融资俱乐部，广大投资者和项目持有者可以免费加入，定期获得信息交流。" * 3
    )
    body = f"<h1>拿出10万元投资房产</h1><p>{prose}</p><p>{prose}(信报记者 蔡雪婧)</p>"
    assert extract_metadata(page(body=body, lang="zh"), None).authors == ["蔡雪婧"]
    body = f"<h1>著名戏曲导演去世</h1><p>{prose}<span>（总台记者 张倩）</span></p>"
    assert extract_metadata(page(body=body, lang="zh"), None).authors == ["张倩"]


def test_parenthesis_in_prose_is_no_closing_credit() -> None:
    prose = "据了解，该项目由多家单位联合承办（记者从主办方获悉），将于明年开工建设。" * 3
    body = f"<h1>项目明年开工</h1><p>{prose}</p><p>{prose}（完）</p>"
    assert extract_metadata(page(body=body, lang="zh"), None).authors == []
    # Control: a reporter's credit in the same place is read.
    body = body.replace("（完）", "（记者 张三）")
    assert extract_metadata(page(body=body, lang="zh"), None).authors == ["张三"]


def test_fact_check_claimant_and_quoted_author_are_not_bylines() -> None:
    body = (
        "<div class='fc__body'><h1>Russia and Syria: refugees blocked?</h1>"
        "<div class='statement'><div class='statement-author'><h4 class='author'>Maria Petrova</h4></div>"
        "<p>The claim under review.</p></div>"
        "<blockquote><p>A quoted post.</p><span class='author'>Ivan Sidorov</span></blockquote>"
        "<p>Text of the fact check.</p></div>"
    )
    assert extract_metadata(page(body=body), None).authors == []
    # Control: the fact check's own byline, after the claimant's, is the one read.
    body = body.replace("<p>Text of", "<span class='author'>Jane Doe</span><p>Text of")
    assert extract_metadata(page(body=body), None).authors == ["Jane Doe"]


def test_site_name_glued_to_a_structured_author_is_cut() -> None:
    head = (
        ld(
            {
                "@type": "NewsArticle",
                "headline": "Royal arrogance",
                "author": {"name": "Finian Cunningham. Sputnik International"},
            }
        )
        + '<meta property="og:site_name" content="Sputnik International">'
    )
    assert extract_metadata(page(head=head), None).authors == ["Finian Cunningham"]


def test_forum_poster_is_never_a_ui_word() -> None:
    body = "<div>Reply 发表于 2005-9-15 10:00</div><p>正文内容很长很长。</p>"
    assert extract_metadata(page(body=body, lang="zh"), None).authors == []
    body = "<div>ggjjzhzz 发表于 2005-9-15 10:00</div><p>正文内容很长很长。</p>"
    assert extract_metadata(page(body=body, lang="zh"), None).authors == ["ggjjzhzz"]


def test_subheading_inside_the_text_is_not_a_standalone_author() -> None:
    prose = "飞行归因于作用在飞机上的几个力。第一个是飞机的重量，即将飞机拉向地面的重力。" * 3
    body = f"<p>飞行物理学常识</p><p>{prose}</p><p>推力</p><p>{prose}</p>"
    assert extract_metadata(page(body=body, lang="zh"), None).authors == []
    # Control: a name alone under the title, before the text begins, is the author.
    body = body.replace("<p>飞行物理学常识</p>", "<p>飞行物理学常识</p><p>李小明</p>")
    assert extract_metadata(page(body=body, lang="zh"), None).authors == ["李小明"]


@pytest.mark.parametrize(
    ("generator", "author"),
    [("Discuz! X3.4", "Discuz! Team and Comsenz UI Team"), ("大汉版通", "大汉网络")],
)
def test_author_meta_left_by_the_site_software_is_no_author(generator: str, author: str) -> None:
    head = f'<meta name="generator" content="{generator}"><meta name="author" content="{author}">'
    assert extract_metadata(page(head=head, body="<p>正文。</p>"), None).authors == []
    # Control: a byline element, which an author meta would outrank, is read.
    body = "<h1>标题</h1><span class='author'>李明</span><p>正文。</p>"
    assert extract_metadata(page(head=head, body=body), None).authors == ["李明"]


def test_author_meta_beside_an_unrelated_generator_is_kept() -> None:
    head = (
        '<meta name="generator" content="WordPress 6.5.5"><meta name="author" content="Jane Doe">'
    )
    assert extract_metadata(page(head=head), None).authors == ["Jane Doe"]


def test_names_after_a_plain_comment_box_title_are_commenters() -> None:
    prose = "今年清明回去，枣树还在，只是再也没有人站在树下等我了。" * 4
    body = (
        f"<div class='main'><h1>回忆母亲的老屋</h1><p>{prose}</p>"
        "<div class='tit'><span>最新评论</span></div>"
        "<div class='item'><span class='author'>张三丰</span><p>写得真好。</p></div></div>"
    )
    assert extract_metadata(page(body=body, lang="zh"), None).authors == []
    # Control: without the box title the same element reads as the writer's byline.
    body = body.replace("<div class='tit'><span>最新评论</span></div>", "")
    assert extract_metadata(page(body=body, lang="zh"), None).authors == ["张三丰"]


def test_dateparser_reads_only_the_page_language_and_never_a_bare_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dateparser

    calls: list[tuple[str, object]] = []
    real = dateparser.parse

    def spy(value: str, *args: object, **kwargs: object) -> object:
        calls.append((value, kwargs.get("languages")))
        return real(value, *args, **kwargs)

    monkeypatch.setattr(dateparser, "parse", spy)
    # Month names the text patterns do not know go to dateparser in the page's language
    # (all its locales cost ~0.3 s a call).
    assert parse_date_value("1. března 2024", DateContext(language="cs")) == datetime(2024, 3, 1)
    assert calls == [("1. března 2024", ["cs"])]
    # Without a language, or for a lone year, it is not consulted at all.
    assert parse_date_value("1. března 2024", DateContext()) is None
    assert parse_date_value("2015", DateContext(language="en")) is None
    assert len(calls) == 1
