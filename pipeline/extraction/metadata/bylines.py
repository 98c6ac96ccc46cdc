"""Bylines in the page itself: byline elements and the text lines near the headline.

Covers English/European "By Jane Doe" lines, author-classed elements, and the Chinese
作者/记者/来源/责任编辑/发布时间 lines that Chinese news pages print under the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from .authors import dedupe, split_names

SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "select", "option"}
)
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "li", "ul", "ol",
        "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "br", "dd", "dt", "dl",
        "blockquote", "figure", "figcaption", "address", "form", "hr", "pre", "center", "time",
    }
)  # fmt: skip
# class/id/itemprop words that mark an element holding the author's name.
BYLINE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:author|authors|byline|by-line|autor|autoren|autorin|auteur|autore|firma|forfatter|"
    r"writer|reporter|verfasser|creator|signature|article-source|journalist|redakteur|kicker-author|"
    r"AuthorName|authorName|byl)(?:$|[\s_-]|name|s\b)",
    re.IGNORECASE,
)
# Containers whose author names belong to something else (comments, teasers, bios).
FOREIGN_ATTR = re.compile(
    r"comment|related|teaser|recommend|sidebar|footer|newsletter|promo|widget|popular|trending|"
    r"more-from|read-more|readmore|bio\b|author-bio|about-author|profile-desc|avatar|social|share",
    re.IGNORECASE,
)

_KEYWORDS = "来源|发布|时间|日期|编辑|责任|摄影|字号|浏览|阅读|点击|评论|分享|打印|关闭|通讯员|实习生|记者|作者|校对|审核|监制|出品|时间"
_CUT_BEFORE_KEYWORD = re.compile(rf"(?<=[\u4e00-\u9fff])(?=(?:{_KEYWORDS})[:：\s])")
_CJK_NAMES = (
    r"((?:[\u4e00-\u9fff·]{2,5}(?:[ \u3000、，,]+(?=[\u4e00-\u9fff])|(?![\u4e00-\u9fff]))){1,6})"
)
ZH_AUTHOR = re.compile(r"(?:作者|撰文|文\s*/|文／|撰稿)\s*[:：/]?\s*" + _CJK_NAMES)
ZH_REPORTER = re.compile(r"(?:本报|特约|新华社|中新社|中新网)?记者\s*[:：]?\s*" + _CJK_NAMES)
ZH_SOURCE = re.compile(r"(?:来源|出处|稿源|来自)\s*[:：]\s*([^\s|，,。:：]{2,30})")
ZH_CREDIT = re.compile(
    r"((?:责任编辑|责编|编辑|校对|审核|审校|监制|摄影|图片来源|题图来源|题图|图片|翻译|编译|通讯员|实习生)\s*[:：]\s*[^\s|]{1,30}(?:\s+[\u4e00-\u9fff]{2,4}(?=\s|$))*)"
)
ZH_DATE_LABEL = re.compile(
    r"(?:发布时间|发表时间|发布日期|发表于|发布于|时间|日期|更新时间|Published|发稿时间)\s*[:：]?\s*"
)
EN_BYLINE = re.compile(
    r"^(?:By|Von|Por|Par|Af|Av|Door|Oleh|Di|Text:?|Autor(?:in)?:|Author:|Written by|Reporting by)\s+"
    r"(?P<names>[A-ZÀ-ÝŁŚŻ][\w.'’-]+(?:\s+(?:[A-ZÀ-ÝŁŚŻ][\w.'’-]+|de|da|del|van|von|der|den|di|le|la|y|e|and|und|&|,)){0,14})"
)


@dataclass(frozen=True, slots=True)
class PageText:
    """The page's visible text as lines (one per block), and where the headline is."""

    lines: tuple[str, ...]
    headline_index: int  # -1 when no <h1>


def page_text(tree: HtmlElement) -> PageText:
    """Visible text split at block boundaries; scripts and styles are skipped."""
    lines: list[str] = []
    current: list[str] = []
    headline_index = -1
    skip_depth = 0

    def flush() -> None:
        if current:
            line = " ".join("".join(current).split())
            if line:
                lines.append(line)
            current.clear()

    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in SKIP_TAGS:
                skip_depth += 1
                continue
            if skip_depth:
                continue
            if tag in BLOCK_TAGS:
                flush()
            if tag == "h1" and headline_index < 0:
                headline_index = len(lines)
            if element.text and tag:
                current.append(element.text)
        else:
            if tag in SKIP_TAGS:
                skip_depth -= 1
            elif not skip_depth and tag in BLOCK_TAGS:
                flush()
            if not skip_depth and element.tail:
                current.append(element.tail)
    flush()
    return PageText(tuple(lines), headline_index)


def header_lines(text: PageText, before: int = 5, after: int = 40) -> list[str]:
    """Lines around the headline, where bylines and dates sit; the whole top when there is no h1."""
    if text.headline_index < 0:
        return list(text.lines[:150])
    start = max(0, text.headline_index - before)
    return list(text.lines[start : text.headline_index + after])


def _is_foreign(element: HtmlElement) -> bool:
    node: HtmlElement | None = element
    depth = 0
    while node is not None and depth < 12:
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and FOREIGN_ATTR.search(attrs):
            return True
        if node.tag in ("footer", "aside", "nav"):
            return True
        node = node.getparent()
        depth += 1
    return False


def byline_elements(tree: HtmlElement) -> list[str]:
    """Names from elements marked as author/byline (itemprop, rel, class, id)."""
    names: list[str] = []
    matched = 0
    for element in tree.iter("*"):
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS or tag in ("meta", "link", "html", "body"):
            continue
        itemprop = (element.get("itemprop") or "").lower()
        marker = (
            f"{element.get('class') or ''} {element.get('id') or ''} {element.get('rel') or ''}"
        )
        if itemprop != "author" and not BYLINE_ATTR.search(marker):
            continue
        if _is_foreign(element):
            continue
        # Microdata: <span itemprop=author><span itemprop=name>…</span></span>
        inner = element.xpath(".//*[@itemprop='name']")
        text = " ".join((inner[0] if inner else element).text_content().split())
        if not text or len(text) > 160:
            continue
        found = split_names(text)
        if found:
            names.extend(found)
            matched += 1
            if matched >= 4:
                break
    return dedupe(names)


def text_byline(lines: list[str]) -> list[str]:
    """'By Jane Doe and John Roe' / 'Von …' / '作者：…' / '记者 …' lines near the headline."""
    for line in lines:
        if len(line) > 200:
            continue
        match = EN_BYLINE.match(line)
        if match:
            names = split_names(match.group("names"))
            if names:
                return dedupe(names)
        if not _has_cjk(line):
            continue
        spaced = _CUT_BEFORE_KEYWORD.sub(" ", line)
        for pattern in (ZH_AUTHOR, ZH_REPORTER):
            match = pattern.search(spaced)
            if match:
                names = split_names(match.group(1))
                if names:
                    return dedupe(names)
    return []


def source_name(lines: list[str]) -> str | None:
    for line in lines:
        if len(line) > 200 or not _has_cjk(line):
            continue
        match = ZH_SOURCE.search(_CUT_BEFORE_KEYWORD.sub(" ", line))
        if match:
            return match.group(1).strip()
    return None


def credits(lines: list[str]) -> list[str]:
    found: list[str] = []
    for line in lines:
        if len(line) > 200 or not _has_cjk(line):
            continue
        for match in ZH_CREDIT.finditer(_CUT_BEFORE_KEYWORD.sub(" ", line)):
            credit = " ".join(match.group(1).split())
            if credit not in found:
                found.append(credit)
    return found


def dated_lines(lines: list[str]) -> list[str]:
    """Lines labelled as a date (发布时间：…), with the label removed, then all lines in order."""
    labelled = [
        line[m.end() :]
        for line in lines
        if len(line) < 200
        for m in [ZH_DATE_LABEL.search(line)]
        if m
    ]
    return labelled + [line for line in lines if len(line) < 200]


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _has_cjk(line: str) -> bool:
    return bool(_CJK_RE.search(line))
