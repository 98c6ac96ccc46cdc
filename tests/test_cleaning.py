"""Tests for pipeline.cleaning: chrome rules as data and the functions applying them."""

from __future__ import annotations

import dataclasses
import random
import re

import lxml.html
import pytest

from pipeline.cleaning import (
    DEFAULT_RULES,
    chrome_class_rule,
    chrome_line_rule,
    edge_line_rule,
    end_marker_rule,
    source_patterns,
    strip_chrome,
)
from pipeline.sources import ExtractionOverrides

PARAGRAPH = (
    "<p>"
    + "This is a sentence of the article that carries real content, with commas. " * 4
    + "</p>"
)


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<html><head><title>t</title></head><body>{body}</body></html>"
    )


@pytest.mark.parametrize(
    "line",
    [
        "评论(7)", "我也说两句", "发表", "最新评论", "快来抢沙发吧~", "加载更多… 已显示全部内容", "分享至:",
        "收藏", "我的位置: 政情 > 上海一周 > 文章详情", "上一篇: 没有了", "下一篇: 没有了", "相关文章",
        "题图来源:孟雨涵 摄 编辑邮箱:shzhengqing@126.com", "责任编辑：王芳", "（责任编辑：刘洋）",
        "来源:上观新闻 作者:朱珉迕 2022-04-01 10:03", "举报中心", "扫一扫，下载客户端", "关注我们",
        "Advertisement", "ADVERTISEMENT", "Share this article", "Leave a Reply", "12 Comments",
        "Read more: Skylark Air returns to profit", "By Jane Doe and John Roe",
        "Copyright © 2024 Example News. All rights reserved.", "We use cookies to improve your experience.",
        "(Reporting by Jane Doe; Editing by John Roe)", "Image 1 of 5", "10:20",
    ],
)  # fmt: skip
def test_chrome_lines_are_recognised(line: str) -> None:
    assert chrome_line_rule(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "By contrast, the council said the plan would cost less than expected.",
        "上海疫情防控,已到最为吃劲、最为关键的时刻。",
        "Share prices rose by 3% on Tuesday after the company reported strong results.",
        "The comments made by the minister were widely criticised.",
        "Related costs are expected to rise further next year, analysts said.",
    ],
)
def test_article_sentences_are_not_chrome(line: str) -> None:
    assert chrome_line_rule(line) is None


def test_edge_lines_and_end_markers() -> None:
    assert edge_line_rule("June 18, 2024 2:20 PM") == "dateline"
    assert edge_line_rule("3 min read") == "reading-time"
    assert (
        edge_line_rule("Classificação final em 2019 após 36 etapas:") is None
    )  # a lead-in, not a date
    assert end_marker_rule("14 Comments") == "comments-heading"
    assert end_marker_rule("相关文章") == "related-heading"
    assert end_marker_rule("About the author") == "about-author"
    assert end_marker_rule("What happens next for the council") is None


def test_class_rules_match_words_not_fragments() -> None:
    tree = _tree(
        '<div class="share-bar">x</div><div class="header">x</div><div class="pagebuilder-pagerow">x</div>'
    )
    share, header, builder = tree.body
    assert chrome_class_rule(share, DEFAULT_RULES) == "class:share"
    assert chrome_class_rule(header, DEFAULT_RULES) is None  # "ad" must not match inside "header"
    assert chrome_class_rule(builder, DEFAULT_RULES) is None  # "pager" must not match "pagerow"


def test_strip_removes_chrome_and_keeps_tail_text() -> None:
    tree = _tree(
        '<div class="article">'
        + PARAGRAPH
        + '<div class="share-bar"><a href="#">分享至</a></div>tail text'
        '<script>var x = 1;</script><div id="comments"><p>A comment that is long enough to look like a paragraph of text.</p></div>'
        "</div><footer>Footer links</footer>"
    )
    report = strip_chrome(tree)
    text = tree.text_content()
    assert "分享至" not in text and "var x" not in text and "A comment" not in text
    assert "Footer links" not in text
    assert "tail text" in text and "real content" in text
    assert report.removed["tag:script"] == 1 and report.removed["class:share"] == 1


def test_weak_class_on_article_wrapper_is_kept() -> None:
    tree = _tree(
        '<div class="sidebar-grid__container">'
        + PARAGRAPH * 3
        + "</div><div class='sidebar'><a href='/x'>Most read story</a></div>"
    )
    strip_chrome(tree)
    text = tree.text_content()
    assert "real content" in text
    assert "Most read story" not in text


def test_strong_class_removed_even_with_paragraphs() -> None:
    tree = _tree(
        PARAGRAPH * 4
        + '<div class="comment-list">'
        + PARAGRAPH.replace("article", "reader")
        + "</div>"
    )
    strip_chrome(tree)
    assert "sentence of the reader" not in tree.text_content()


def test_hidden_elements_are_removed_unless_paywalled_article_text() -> None:
    tree = _tree(
        PARAGRAPH
        + '<div style="display:none"><p>Hidden menu text</p></div>'
        + '<div class="paywall" hidden>'
        + "".join(
            f"<p>Premium paragraph number {n} tells readers something new about the story.</p>"
            for n in range(6)
        )
        + "</div>"
    )
    strip_chrome(tree)
    text = tree.text_content()
    assert "Hidden menu text" not in text
    assert "Premium paragraph number 3" in text


def test_source_overrides_drop_and_keep() -> None:
    tree = _tree(
        PARAGRAPH
        + '<div class="promo-box">Our own promo</div><div class="related keep-me">Keep this related box</div><p class="x">Sitewide line</p>'
    )
    overrides = ExtractionOverrides(
        drop_selectors=(".x", "bad[[selector"), keep_selectors=(".keep-me",)
    )
    report = strip_chrome(tree, DEFAULT_RULES, overrides)
    text = tree.text_content()
    assert "Sitewide line" not in text
    assert "Keep this related box" in text
    assert report.removed["source:drop_selectors"] == 1


def test_source_patterns_extend_line_rules() -> None:
    rules = dataclasses.replace(
        DEFAULT_RULES, extra_line_patterns=source_patterns((r"^Sponsored by Acme",))
    )
    assert chrome_line_rule("Sponsored by Acme Widgets Ltd", rules) == "source:0"
    assert chrome_line_rule("Sponsored by Acme Widgets Ltd") is None


def test_named_selectors_remove_landmarks_and_widgets() -> None:
    tree = _tree(
        '<div role="navigation"><a href="/a">Home</a> <a href="/b">World</a></div>'
        + PARAGRAPH * 2
        + '<section itemprop="comment"><p>'
        + "A reader comment written as a long paragraph, with commas, to look like text. " * 3
        + "</p></section>"
        + '<ins class="adsbygoogle">ad</ins><div role="contentinfo">Contact us</div>'
    )
    report = strip_chrome(tree)
    text = tree.text_content()
    assert "World" not in text and "reader comment" not in text and "Contact us" not in text
    assert "real content" in text
    assert report.removed["selector:schema-comment"] == 1
    assert report.removed["selector:aria-navigation"] == 1


def test_weak_landmark_holding_the_article_is_kept() -> None:
    tree = _tree('<div role="banner">' + PARAGRAPH * 4 + "</div><p>x</p>")
    strip_chrome(tree)
    assert "real content" in tree.text_content()


# -- speed paths must give the answers of the plain forms ------------------------------------

_GUARDED_EXAMPLES = (
    "Sign up for our free newsletter, delivered to your inbox every morning.",
    "Reporting by Jane Doe; editing by John Roe",
    "Alice Smith contributed reporting to this article.",
    "A crowd gathers in the square (Photo: Jane Doe/Reuters)",
    "阅读次数：1234",
    "1,204 views",
    "Empfohlener redaktioneller Inhalt",
    "Click to load the content",
    "© 2026 Example Media. All rights reserved.",
    "版权所有 未经授权不得转载",
    "Comments are moderated before they appear.",
    "Follow us on Twitter for the latest news",
    "Citation: Doe J (2026) A study. Retrieved from the archive.",
    "Please disable your ad blocker to continue.",
    "We use cookies to improve your experience.",
)


def test_guarded_line_rules_agree_with_the_plain_union() -> None:
    from pipeline.cleaning.rules import NamedPattern, PatternSet

    lines = (*DEFAULT_RULES.chrome_lines, *DEFAULT_RULES.edge_lines, *DEFAULT_RULES.end_markers)
    guarded = [rule for rule in lines if rule.requires]
    assert guarded, "the slow rules carry literal guards"
    plain = PatternSet.of(tuple(NamedPattern(rule.name, rule.pattern) for rule in lines))
    fast = PatternSet.of(tuple(lines))
    samples = (*_GUARDED_EXAMPLES, PARAGRAPH[3:-4], "Advertisement", "Share this article", "")
    hits = 0
    for text in samples:
        assert fast.search(text) == plain.search(text), text
        for rule in guarded:
            subject = text.lower() if rule.pattern.flags & re.IGNORECASE else text
            if rule.pattern.search(subject):
                hits += 1
                assert rule.may_match(subject), (rule.name, text)
    assert hits >= len(_GUARDED_EXAMPLES)


def test_whitespace_counts_match_the_regex_forms() -> None:
    from pipeline.cleaning.chars import collapse_space, nonspace_len

    alphabet = "ab é©’中 \t\n\r\x0b\x0c\x1c\x85\xa0\u2009\u3000"
    rng = random.Random(4)
    for size in (0, 1, 10, 199, 201, 400, 2000):
        for _ in range(30):
            text = "".join(rng.choice(alphabet) for _ in range(size))
            assert nonspace_len(text) == len(re.sub(r"\s+", "", text))
            assert collapse_space(text) == re.sub(r"\s+", " ", text).strip()


def test_candidate_listing_matches_the_predicate_form() -> None:
    root = _tree(
        '<div class="a"><p id="x">t</p><footer>f</footer><span style="s" hidden>h</span>'
        '<aside><i aria-hidden="true">i</i></aside><b>b</b><div role="navigation">n</div>'
        '<form action="/subscribe"><em>e</em></form></div>'
    )
    body = root.find("body")
    predicate = "@class or @id or @style or @hidden or @aria-hidden or self::footer or self::aside"
    assert DEFAULT_RULES.class_candidates(body) == body.xpath(f".//*[{predicate}]")
    assert DEFAULT_RULES.class_candidates_inside(body) == len(body.xpath(f".//*[{predicate}]"))
    selector = body.xpath(".//*[@role or @action or self::form]")
    assert DEFAULT_RULES.selector_candidates(body) == selector


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        (
            "免责声明：本文仅代表作者本人观点，与本网无关。",
            "免責聲明：本文僅代表作者本人觀點，與本網無關。",
        ),
        ("(内容由本网提供。未经授权，不得转载。)", "(內容由本網提供。未經授權，不得轉載。)"),
        ("调整字体︰大 中 小", "調整字體︰大 中 小"),
        ("浏览字号：大 中 小 | 打印本页 | 通过Email推荐给好友：", "瀏覽字號：大 中 小 | 打印本頁"),
        ("网友评论仅供其表达个人看法，并不表明本网同意其观点。", "網友評論僅供其表達個人看法。"),
    ],
)
def test_chinese_chrome_lines_in_both_scripts(simplified: str, traditional: str) -> None:
    """Hong Kong and Taiwan pages carry the same chrome in traditional characters."""
    assert chrome_line_rule(simplified)
    assert chrome_line_rule(traditional)


@pytest.mark.parametrize(
    "heading", ["声明：", "南方网版权相关声明：", "新華網版權與免責聲明：", "相關鏈接"]
)
def test_chinese_disclaimer_and_related_headings_end_the_article(heading: str) -> None:
    assert end_marker_rule(heading)


def test_chinese_article_sentences_are_not_disclaimers() -> None:
    sentence = "政府今天发表声明，表示将在下月公布新的住房政策，并征求市民意见。"
    assert not chrome_line_rule(sentence)
    assert not end_marker_rule(sentence)
    assert not chrome_line_rule("他說：「我們會盡快公布調查結果。」")


@pytest.mark.parametrize(
    "line",
    [
        "Das könnte Dich auch interessieren",
        "Das Thema könnte dich auch interessieren:",
        "Ähnliche Beiträge",
        "Verwandte Themenbereiche",
        "Vous aimerez aussi",
    ],
)
def test_related_headings_in_more_languages_end_the_article(line: str) -> None:
    assert end_marker_rule(line) == "related-heading"


@pytest.mark.parametrize(
    "line",
    [
        "Tu suscripción se está usando en otro dispositivo",
        "Create an account or sign in to continue: subscribers get unlimited access.",
        "Jetzt Digital-Abo abschließen und weiterlesen",
        "Informieren Sie sich: Testen Sie für zwei Wochen die gedruckte Zeitung.",
        "War der Artikel nützlich?",
        "Was this article helpful?",
        "Get the latest news to your phone. Join us on WhatsApp",
        "Durch die weitere Nutzung der Seite stimmst du der Verwendung zu.",
    ],
)
def test_subscription_feedback_and_consent_prompts_are_chrome(line: str) -> None:
    assert chrome_line_rule(line)


@pytest.mark.parametrize(
    "line",
    [
        "If someone's already reported this number, they may be willing to pay a big premium.",
        "The streaming service said its subscribers rose by two million in the quarter.",
        "Die Zeitung hat nach zwei Wochen Streik wieder erscheinen können, sagte der Verlag.",
    ],
)
def test_article_sentences_about_subscribers_are_not_prompts(line: str) -> None:
    assert chrome_line_rule(line) is None


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Wybrane komentarze", "comments-heading"),
        ("Komentarze (12)", "comments-heading"),
        ("Комментарии", "comments-heading"),
        ("Σχόλια", "comments-heading"),
        ("Zobacz też", "related-heading"),
        ("Читайте также:", "related-heading"),
        ("Материалы по теме:", "related-heading"),
        ("Διαβάστε επίσης", "related-heading"),
        ("ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ", "related-heading"),
        ("ΣΧΟΛΙΑ", "comments-heading"),
    ],
)
def test_comment_and_related_headings_in_polish_russian_greek(line: str, rule: str) -> None:
    assert end_marker_rule(line) == rule


def test_sentences_mentioning_comments_do_not_end_the_article() -> None:
    assert (
        end_marker_rule("Komentarze polityków były ostre, a opozycja zapowiedziała protest.")
        is None
    )
    assert end_marker_rule("Читайте также доклад министерства, опубликованный вчера.") is None


def test_reporter_credit_is_chrome_but_an_interview_question_is_not() -> None:
    assert chrome_line_rule("记者：张三 李四") == "reporter-credit"
    assert chrome_line_rule("记者：你通过什么渠道最快的获取这些信息？") is None
    assert (
        chrome_line_rule("记者：据你了解，农民通过什么渠道来获取这些信息，比如农业政策？") is None
    )


def test_spanish_comment_prompt_topic_labels_and_ad_disclosures() -> None:
    assert end_marker_rule("Comentar este artículo") == "comments-heading"
    assert edge_line_rule("Temas") == "label"
    assert edge_line_rule("Теги: экономика, банки") == "label"
    assert (
        chrome_line_rule("*Werbung. Dieser Beitrag enthält Werbung für eine Marke.") == "affiliate"
    )
    assert (
        chrome_line_rule("Der Beitrag enthält viele Beispiele aus der Werbung der 1950er.") is None
    )


@pytest.mark.parametrize(
    "notice",
    [
        "При воспроизведении или цитировании статей, опубликованных на портале «Пример» "
        "(example.ua), указания имени авторов и источника обязательно. " * 4,
        "Все права на материалы и новости, опубликованные на сайте, защищены. "
        "При любом использовании материалов гиперссылка на сайт обязательна.",
        "Materiał chroniony prawem autorskim - wszelkie prawa zastrzeżone. " * 6,
    ],
)
def test_long_legal_and_reprint_notices_are_chrome(notice: str) -> None:
    """A site's legal footer can outweigh a short article: it is never article text."""
    assert chrome_line_rule(notice) == "legal-notice" or chrome_line_rule(notice) == "copyright"


def test_long_paragraph_about_rights_is_article_text() -> None:
    text = (
        "The court said the rights of the defendants were protected throughout the trial, "
        "and the judge reminded the jury that the use of the recordings was lawful. "
    ) * 4
    assert chrome_line_rule(text) is None


@pytest.mark.parametrize(
    "line",
    [
        "市民大呼“小紙包”藥真便宜。快報記者 施向輝 攝",
        "圖說：第一名得主東和婦產科家庭醫學診所院長夫婦。",
        "(福州晚报记者 林安镇 实习生 黄卫平 文/摄)",
        "◎ 記者林和謙/採訪報導",
        "記者陳鈞凱／台北報導",
    ],
)
def test_chinese_photo_credits_and_reporter_lines_are_chrome(line: str) -> None:
    assert chrome_line_rule(line) in ("cjk-photo-caption", "reporter-credit")


def test_chinese_sentences_about_photography_are_not_captions() -> None:
    assert chrome_line_rule("他说这是他亲自拍摄") is None
    assert (
        chrome_line_rule("图为民众在街头排队购买年货的景象，他们说今年物价比去年更高了。") is None
    )


def test_registration_box_goes_even_with_long_text_but_subscriber_content_stays() -> None:
    pitch = "<li>Unlimited online access to every article and our archive, on any device.</li>" * 8
    tree = _tree(
        f"<article>{PARAGRAPH}<div class='register-prompt'><ul>{pitch}</ul></div>"
        f"<div class='subscriber-content'>{PARAGRAPH * 3}</div>{PARAGRAPH}</article>"
    )
    strip_chrome(tree)
    text = tree.text_content()
    assert "Unlimited online access" not in text
    assert text.count("This is a sentence of the article") == 4 * 5


@pytest.mark.parametrize(
    "line", ["Table of Contents", "Auf dieser Seite:", "Hauptinhalt", "In this article", "1 min"]
)
def test_page_navigation_labels_are_chrome(line: str) -> None:
    assert chrome_line_rule(line) == "widget-text"


def test_sentence_about_contents_is_not_a_label() -> None:
    assert chrome_line_rule("The contents of the report were leaked to the press.") is None


def test_remembered_line_verdicts_match_fresh_ones() -> None:
    rules = dataclasses.replace(DEFAULT_RULES)
    lines = ["Share this article", "Comments", "A normal sentence of the article, with words."]
    first = [chrome_line_rule(line, rules) for line in lines]
    again = [chrome_line_rule(line, rules) for line in lines]
    assert first == again == ["share", "comments", None]
    assert len(rules.line_verdicts) == 3
    assert not DEFAULT_RULES.line_verdicts or rules.line_verdicts is not DEFAULT_RULES.line_verdicts


def test_long_embed_consent_notice_is_chrome() -> None:
    notice = (
        "Ich bin damit einverstanden, dass mir der externe Inhalt angezeigt wird. Damit können "
        "personenbezogene Daten an Drittplattformen übermittelt werden. Mehr dazu in unserer "
        "Datenschutzerklärung, die Sie jederzeit aufrufen können, und in den Einstellungen, "
        "in denen Sie Ihre Einwilligung auch wieder widerrufen können."
    )
    assert len(notice) > 300
    assert chrome_line_rule(notice) == "embed-consent"


def test_live_blog_entry_stamps_are_chrome() -> None:
    assert chrome_line_rule("21 mins ago11:48 Jon King") == "live-stamp"
    assert chrome_line_rule("2 hours ago 10:05 Jane Doe") == "live-stamp"
    assert chrome_line_rule("The storm hit 2 hours ago, at 10:05, residents said.") is None
