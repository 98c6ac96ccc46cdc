"""Chinese bylines and dates: the kinds of lines Chinese news, blog, forum and government pages print."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import lxml.html
import pytest

from pipeline.extraction.metadata import extract_metadata
from pipeline.extraction.metadata.authors import clean_name
from pipeline.extraction.metadata.dates import DateContext, find_date_in_text, parse_date_value

TITLE = "经济运行总体平稳 主要指标好于预期"
PROSE = (
    "国家统计局昨日发布数据显示，今年前三季度经济运行总体平稳，主要指标好于预期，"
    "消费和投资均有明显回升，市场信心持续增强，多个城市已经出台了新的支持政策。"
    "专家认为，随着各项政策逐步落地见效，全年经济有望保持稳定增长态势。"
)
CST = timezone(timedelta(hours=8))


def _authors(header: str = "", footer: str = "") -> list[str]:
    """Authors of a page with ``header`` under the headline and ``footer`` after the text."""
    body = (
        f"<h1>{TITLE}</h1><div>{header}</div>"
        f"<p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p><p>{footer}</p>"
    )
    html = f"<html lang='zh-CN'><head><title>{TITLE}</title></head><body>{body}</body></html>"
    tree = lxml.html.document_fromstring(html)
    return extract_metadata(tree, "http://news.example.cn/a/1.html").authors


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("记者 张三 通讯员 李四", ["张三", "李四"]),
        ("本报记者 张三 通讯员 李四 王五", ["张三", "李四", "王五"]),
        ("记者张三 通讯员李四", ["张三", "李四"]),
        ("新华社记者 张三、李四", ["张三", "李四"]),
        ("记者 张三 报道", ["张三"]),
        ("文/张三", ["张三"]),
        ("文 | 张三", ["张三"]),
        ("张三/文", ["张三"]),
        ("来源：人民网 作者：张三 时间：2022-02-11", ["张三"]),
        ("作者：张三（中国社科院研究员）", ["张三"]),
        ("作者：张三 责任编辑：王五", ["张三"]),
        # Forum and blog posters, whose nicknames are not shaped like Chinese names.
        ("楼主：老张头 发表于 2022-2-14 03:01", ["老张头"]),
        ("发帖人：老张头", ["老张头"]),
        ("发布者：张三 发布时间：2022-02-11", ["张三"]),
        ("作者：孤独的狼 发表时间：2005-05-17 22:11:42", ["孤独的狼"]),
        ("作者：Lisa", ["Lisa"]),
        ("作者：天涯过客 提交日期：2005-5-7 21:23:57", ["天涯过客"]),
        ("发信人: dragonfly (蜻蜓), 信区: Economics", ["dragonfly"]),
        ("发表者：小桥流水", ["小桥流水"]),
        ("由 小桥流水 于 2005-06-14 发表", ["小桥流水"]),
        ("posted by xiaoqiao at 2005-06-14 03:25", ["xiaoqiao"]),
        # Labels with modifiers and roles, and 丨 used as a bar.
        ("见习记者 张三 特约通讯员 李四", ["张三", "李四"]),
        ("本报评论员 张三", ["张三"]),
        ("特约撰稿人 张三", ["张三"]),
        ("记者丨张三", ["张三"]),
        ("文丨张三", ["张三"]),
        ("【作者：张三】【来源：人民日报】【日期：2022-02-11】", ["张三"]),
        ("作者：张三\u3000\u3000来源：本站原创\u3000\u3000点击数：235", ["张三"]),
        # Traditional script (Taiwan, Hong Kong).
        ("記者王小明／台北報導", ["王小明"]),
        ("聯合報記者王小明／台北報導", ["王小明"]),
        ("記者 王小明、李大華／綜合報導", ["王小明", "李大華"]),
        ("（中央社記者王小明）", ["王小明"]),
        ("責任編輯：王小明", ["王小明"]),
    ],
)
def test_chinese_bylines(byline: str, expected: list[str]) -> None:
    assert _authors(header=byline) == expected


def test_bare_signature_in_parentheses_after_the_last_paragraph() -> None:
    assert _authors(footer="（袁源）") == ["袁源"]
    # A status in the same place names nobody; the page then has no author.
    assert _authors(footer="（待续）") == []
    assert _authors(header="记者 张三", footer="（完）") == ["张三"]


@pytest.mark.parametrize(
    "junk",
    [
        "(本文发表于《人民日报》2022年2月11日)",
        "本文出自：经济日报",
        "出自：人民网",
        "（本文作者系中国人民大学教授）",
        "作者：本报评论员",
        "作者：特约评论员",
        "作者：佚名",
        "作者：未知",
        "作者：admin",
        "张三 摄",
        "图/张三",
        "作者简介：张三，男，1965年生",
        "来源：市政府办公室 作者：市政府办公室",
        "文章作者：",
    ],
)
def test_junk_before_a_real_credit_is_not_a_name(junk: str) -> None:
    # The real credit closes the text: junk accepted as a name would be found first, and an
    # extractor that found nothing would fail too.
    assert _authors(header=junk, footer="（记者 刘涛）") == ["刘涛"]


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("(本文", None),
        ("出自", None),
        ("本文", None),
        ("转自", None),
        ("网友们", None),
        ("研究员", None),
        ("经济运行总体平稳 - 我", None),
        ("张三", "张三"),
        ("欧阳志远", "欧阳志远"),
        ("穆罕默德·阿里", "穆罕默德·阿里"),
        ("孤独的狼", "孤独的狼"),
        ("Jean-Luc O'Brien", "Jean-Luc O'Brien"),
    ],
)
def test_name_shape(token: str, expected: str | None) -> None:
    assert clean_name(token) == expected


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年2月11日 09:52", datetime(2022, 2, 11, 9, 52)),
        ("2022年02月11日09:52", datetime(2022, 2, 11, 9, 52)),
        ("时间：2005年04月28日11:13", datetime(2005, 4, 28, 11, 13)),
        ("2022年2月11日15时05分", datetime(2022, 2, 11, 15, 5)),
        ("2022年2月11日 9点52分", datetime(2022, 2, 11, 9, 52)),
        ("2022年2月11日 星期五 09:52", datetime(2022, 2, 11, 9, 52)),
        ("2022年2月11日（星期五）", datetime(2022, 2, 11)),
        # 上午/下午 (a.m./p.m.) and the 12-hour clock.
        ("2022年2月11日 下午3:05", datetime(2022, 2, 11, 15, 5)),
        ("2022年2月11日 上午9:52", datetime(2022, 2, 11, 9, 52)),
        ("2022年2月11日 晚上8点30分", datetime(2022, 2, 11, 20, 30)),
        ("2022年2月11日 中午12:10", datetime(2022, 2, 11, 12, 10)),
        ("2022年2月11日 凌晨0:30", datetime(2022, 2, 11, 0, 30)),
        ("2022年2月11日 午後3時05分", datetime(2022, 2, 11, 15, 5)),  # Japanese
        # Chinese numerals, as government documents date themselves.
        ("二〇二二年二月十一日", datetime(2022, 2, 11)),
        ("二○二二年十二月三十一日", datetime(2022, 12, 31)),
        ("二零零五年五月七日", datetime(2005, 5, 7)),
        # Beijing time is UTC+8 wherever it is written.
        ("北京时间2022年2月11日9时52分", datetime(2022, 2, 11, 9, 52, tzinfo=CST)),
        ("2022-02-11 09:52 北京时间", datetime(2022, 2, 11, 9, 52, tzinfo=CST)),
        ("2022-2-11 15:05 (GMT+8)", datetime(2022, 2, 11, 15, 5, tzinfo=CST)),
    ],
)
def test_chinese_date_formats(text: str, expected: datetime) -> None:
    assert find_date_in_text(text, DateContext(), relative=False) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        # Java's Date.toString(), common on Chinese CMSs: CST is China Standard Time there.
        ("Fri Feb 11 09:52:00 CST 2022", "zh", datetime(2022, 2, 11, 9, 52, tzinfo=CST)),
        ("2022-02-11 09:52 CST", "zh", datetime(2022, 2, 11, 9, 52, tzinfo=CST)),
        # Elsewhere it is US Central.
        (
            "2022-02-11 09:52 CST",
            "en",
            datetime(2022, 2, 11, 9, 52, tzinfo=timezone(-timedelta(hours=6))),
        ),
    ],
)
def test_cst_is_read_by_the_page_language(value: str, language: str, expected: datetime) -> None:
    assert parse_date_value(value, DateContext(language=language)) == expected


def test_cst_on_a_chinese_page() -> None:
    head = '<meta name="publishdate" content="Fri Feb 11 09:52:00 CST 2022">'
    html = (
        f"<html lang='zh-CN'><head>{head}<title>t</title></head><body><p>{PROSE}</p></body></html>"
    )
    md = extract_metadata(lxml.html.document_fromstring(html), None)
    assert md.published == datetime(2022, 2, 11, 9, 52, tzinfo=CST)


def test_chinese_numeral_date_of_a_government_notice() -> None:
    body = (
        f"<h1>关于做好春节期间安全生产工作的通知</h1><p>{PROSE}</p><p>{PROSE}</p>"
        "<p>某某市人民政府办公室</p><p>二〇二二年一月二十八日</p>"
    )
    html = f"<html lang='zh-CN'><head><title>通知</title></head><body>{body}</body></html>"
    md = extract_metadata(lxml.html.document_fromstring(html), None)
    assert md.published == datetime(2022, 1, 28)


# --- forums and blogs ------------------------------------------------------------------


def _html(head: str, body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_discuz_thread_starter_is_the_author_not_the_replier() -> None:
    post = "<div class='authi'><a class='xw1'>{name}</a></div><div>主题 12 帖子 340</div>"
    body = (
        "<div id='nv'>首页 登录 注册</div><h1>经济运行总体平稳</h1>"
        f"<table><tr><td>{post.format(name='老张头')}</td>"
        f"<td><em>发表于 2022-2-14 03:01</em><div>{PROSE}</div><div>{PROSE}</div></td></tr></table>"
        f"<table><tr><td>{post.format(name='路人甲')}</td><td><em>发表于 2022-2-14 05:11</em>"
        "<div>说得好</div></td></tr></table>"
    )
    head = (
        '<title>经济运行总体平稳 - 财经论坛</title><meta name="generator" content="Discuz! X3.4">'
    )
    assert extract_metadata(_html(head, body), None).authors == ["老张头"]


@pytest.mark.parametrize(
    ("title", "head_line", "expected"),
    [
        ("经济运行总体平稳_胡平_新浪博客", "胡平的博客", ["胡平"]),
        ("经济运行总体平稳 - 小桥流水的博客 - 网易博客", "", ["小桥流水"]),
        ("经济运行总体平稳_胡平_新浪博客", "", ["胡平"]),
        # A portal's channel in the same place is no blog owner.
        ("经济运行总体平稳_财经频道_新浪网", "", []),
        ("经济运行总体平稳 - 我的博客", "", []),
    ],
)
def test_blog_owner(title: str, head_line: str, expected: list[str]) -> None:
    body = f"<div>{head_line}</div><h2>经济运行总体平稳</h2><p>{PROSE}</p><p>{PROSE}</p>"
    assert extract_metadata(_html(f"<title>{title}</title>", body), None).authors == expected
    # Control: a byline on the same page wins over the owner, and is found.
    body = body.replace("<p>", "<p>作者：李明</p><p>", 1)
    assert extract_metadata(_html(f"<title>{title}</title>", body), None).authors == ["李明"]


@pytest.mark.parametrize("top", ["今天是2022年2月14日 星期一", "2022年2月14日 星期一"])
def test_portal_header_date_above_the_headline_is_not_the_publish_date(top: str) -> None:
    body = (
        f"<table><tr><td>{top}</td><td>首页 新闻</td></tr></table>"
        f"<h1>经济运行总体平稳</h1><div>2022年2月11日 来源：人民网</div><p>{PROSE}</p>"
    )
    md = extract_metadata(_html("<title>t</title>", body), None)
    assert md.published == datetime(2022, 2, 11)
    # Control: with no date under the headline, the one above it is still read.
    body = body.replace("2022年2月11日 来源：人民网", "来源：人民网")
    expected = None if top.startswith("今天是") else datetime(2022, 2, 14)
    assert extract_metadata(_html("<title>t</title>", body), None).published == expected


@pytest.mark.parametrize("house", ["新华网", "人民日报社", "本站编辑", "网站管理员"])
def test_house_named_in_author_meta_yields_to_the_reporter_in_the_text(house: str) -> None:
    head = f"<meta name='author' content='{house}'><title>t</title>"
    body = f"<h1>经济运行总体平稳</h1><div>记者 张三</div><p>{PROSE}</p>"
    assert extract_metadata(_html(head, body), None).authors == ["张三"]
    # With no person named anywhere, the house's credit is kept.
    body = body.replace("<div>记者 张三</div>", "")
    assert extract_metadata(_html(head, body), None).authors == [house]


@pytest.mark.parametrize("label", ["原创", "快讯", "北京", "社论", "北京市"])
def test_a_label_alone_under_the_title_is_no_author(label: str) -> None:
    body = f"<p>经济运行总体平稳主要指标好于预期</p><p>{label}</p><p>{PROSE}</p>"
    assert extract_metadata(_html("<title>t</title>", body), None).authors == []
    # Control: a three-character name in the same place is read, and a two-character one
    # in the essay layout (name, then a "——" subtitle).
    assert extract_metadata(
        _html("<title>t</title>", body.replace(label, "王小明")), None
    ).authors == ["王小明"]
    essay = body.replace(f"<p>{label}</p>", "<p>胡平</p><p>——当代中国的精神危机</p>")
    assert extract_metadata(_html("<title>t</title>", essay), None).authors == ["胡平"]
