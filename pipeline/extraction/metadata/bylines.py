"""Bylines in the page itself: byline elements and the text lines near the headline.

Covers English/European "By Jane Doe" lines, author-classed elements, and the Chinese
作者/记者/来源/责任编辑/发布时间 lines that Chinese news pages print under the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from .authors import clean_name, dedupe, split_names

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

_KEYWORDS = "来源|发布|时间|日期|编辑|责任|摄影|字号|浏览|阅读|点击|评论|分享|打印|关闭|通讯员|实习生|记者|作者|校对|审核|监制|出品"
# Compound labels (责任编辑, 题图来源, 本报记者) stay whole.
_CUT_BEFORE_KEYWORD = re.compile(
    rf"(?<=[\u4e00-\u9fff])(?<!责任)(?<!责)(?<!题图)(?<!图片)(?<!本报)(?<!特约)(?=(?:{_KEYWORDS})[:：\s])"
)
# A label starts a line, follows a separator, or follows the outlet's name (光明日报记者, 新华社记者).
_LABEL_START = r"(?:^|(?<=[\s(（\[【□|:：/,，;；●◎>\]】])|(?<=[报社网台电]))"
_CJK_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?"
# Names end where the line or the CJK run ends, or before a credit word ("马俊峰/文", "张三 摄").
_CJK_NAMES = rf"({_CJK_NAME}(?:[ \u3000、，,]+{_CJK_NAME})*)(?=$|[^\u4e00-\u9fff]|摄|报道|编辑|发自|来源|通讯员|实习生)"
ZH_AUTHOR = re.compile(
    _LABEL_START + r"(?:(?:作者|撰文|撰稿)\s*[:：/／]?|文\s*[:：/／])\s*" + _CJK_NAMES
)
# After a colon or space any name length is accepted; glued to the label ("记者马俊峰/文")
# only 2-3 characters, the length of nearly all Chinese names, so prose such as
# "记者采访时称" is not read as a byline.
_REPORTER_LABEL = r"(?:本报|特约|新华社|中新社|中新网|本台)?(?:记者|实习生|通讯员)"
ZH_REPORTER = re.compile(_LABEL_START + _REPORTER_LABEL + r"(?:\s*[:：]\s*|\s+)" + _CJK_NAMES)
ZH_REPORTER_GLUED = re.compile(
    _LABEL_START
    + _REPORTER_LABEL
    + r"([\u4e00-\u9fff]{2,3}(?:[ \u3000、，,]+[\u4e00-\u9fff]{2,3})*)(?=$|[^\u4e00-\u9fff]|摄|报道|发自)"
)
ZH_EDITOR = re.compile(_LABEL_START + r"(?:责任编辑|责编|编辑)\s*[:：]\s*" + _CJK_NAMES)
# Portal style: "2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]".
ZH_BRACKETED = re.compile(r"[\[【]\s*([\u4e00-\u9fff]{2,4})\s*[\]】]")
_HAS_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}")
ZH_SOURCE = re.compile(
    r"(?:来源|出处|稿源|来自)\s*[:：]\s*[\[【（(]?\s*([^\s|，,。:：\[\]【】()（）<>=\"']{2,30})"
)
ZH_CREDIT = re.compile(
    r"((?:责任编辑|责编|编辑|校对|审核|审校|监制|摄影|图片来源|题图来源|题图|图片|翻译|编译|通讯员|实习生)\s*[:：]\s*"
    r"[^\s|()（）\[\]【】]{1,30}(?:\s+[\u4e00-\u9fff]{2,4}(?=\s|$)|\s*摄(?![\u4e00-\u9fff]))*)"
)
DATE_LABEL = re.compile(
    r"(?:发布时间|发表时间|发布日期|发表于|发布于|发稿时间|张贴|时间|日期|"
    # Latin labels are whole words: "Date" must not match inside "Updated".
    r"(?<![^\W\d_])(?:Datum|Date|Published(?: on)?|Posted(?: on)?|"
    r"Veröffentlicht(?: am)?|Erschienen(?: am)?|Erstellt(?: am)?|Publicado(?: el)?|Publié(?: le)?|Pubblicato(?: il)?|"
    r"Publicerad|Publisert|Gepubliceerd(?: op)?|Opublikowano|Yayınlanma(?: Tarihi)?|Опубликовано|Diterbitkan|Đăng)\b)"
    r"\s*[:：]?\s*",
    re.IGNORECASE,
)
UPDATED_LABEL = re.compile(
    r"(?:更新时间|更新于|最后更新|"
    r"(?<![^\W\d_])(?:(?:Last )?Updated(?: on| at)?|Aktualisiert(?: am)?|Stand|Actualizado(?: el)?|"
    r"Mis à jour(?: le)?|Aggiornato(?: il)?|Oppdatert|Uppdaterad|Обновлено)\b)"
    r"\s*[:：]?\s*",
    re.IGNORECASE,
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


# Attribute values as strings: scanning them creates no element proxies, which is what
# makes a Python walk over every element of a large page slow.
_MARKER_ATTRS = etree.XPath(".//@class|.//@id|.//@rel|.//@itemprop")
BYLINE_HINT = re.compile(
    r"author|autor|byl|by-line|auteur|firma|forfatter|writer|reporter|verfasser|creator|"
    r"signature|article-source|journalist|redakteur",
    re.IGNORECASE,
)
DATE_HINT = re.compile(
    r"date|time|publish|posted|datum|fecha|data|zeit|meta|byline|info|pubtime|pub_time",
    re.IGNORECASE,
)


def _marked(scope: HtmlElement, hint: re.Pattern[str]) -> list[HtmlElement]:
    """Elements under ``scope`` with a class/id/rel/itemprop value matching ``hint``, in order."""
    seen: set[HtmlElement] = set()
    found: list[HtmlElement] = []
    for value in _MARKER_ATTRS(scope):
        if hint.search(value):
            element = value.getparent()
            if element not in seen:
                seen.add(element)
                found.append(element)
    return found


def article_scope(tree: HtmlElement) -> HtmlElement | None:
    """The part of the page around the headline: its <article>/<main>, else a few levels up."""
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return next(tree.iter("article"), None)
    for ancestor in h1.iterancestors():
        if ancestor.tag in ("article", "main"):
            return ancestor
    return _ancestor(h1, 4)


def _is_byline(element: HtmlElement) -> bool:
    tag = element.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS or tag in ("meta", "link", "html", "body"):
        return False
    if (element.get("itemprop") or "").lower() == "author":
        return True
    marker = f"{element.get('class') or ''} {element.get('id') or ''} {element.get('rel') or ''}"
    return marker != "  " and bool(BYLINE_ATTR.search(marker))


def byline_elements(tree: HtmlElement) -> list[str]:
    """Names from elements marked as author/byline (itemprop, rel, class, id).

    Only the innermost marked elements are read (an outer byline box joins its names
    without separators), and only those near the first one: author names further down
    belong to teasers and related articles.
    """
    scope = article_scope(tree)
    names = _byline_names(scope) if scope is not None else []
    return names or _byline_names(tree)


def _byline_names(scope: HtmlElement) -> list[str]:
    matches = [el for el in _marked(scope, BYLINE_HINT) if _is_byline(el) and not _is_foreign(el)]
    inner = set(matches)
    leaves = [el for el in matches if not any(d in inner for d in el.iterdescendants())]
    container: HtmlElement | None = None
    names: list[str] = []
    for element in leaves:
        if container is not None and not _within(element, container):
            continue
        microdata = element.xpath(".//*[@itemprop='name']")
        text = " ".join((microdata[0] if microdata else element).text_content().split())
        if not text or len(text) > 160:
            continue
        found = split_names(text)
        if found:
            names.extend(found)
            if container is None:
                container = _ancestor(element, 4)
    return dedupe(names)


def _ancestor(element: HtmlElement, levels: int) -> HtmlElement:
    node = element
    for _ in range(levels):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return node


def _within(element: HtmlElement, container: HtmlElement) -> bool:
    return any(a is container for a in element.iterancestors())


LABELLED_AUTHOR = re.compile(
    r"^(?:Autor(?:in|en|innen)?(?:\s*/\s*Autor(?:in)?)?|Author(?:s)?|Auteur(?:s)?|Autore|Forfatter|Författare|"
    r"Written by|Text)\s*:?\s+(?P<names>\S.{2,80})$"
)


def labelled_author(lines: list[str]) -> list[str]:
    """'Autorin/Autor Roman Goncharenko' info-box lines anywhere on the page."""
    for line in lines:
        if len(line) > 100:
            continue
        match = LABELLED_AUTHOR.match(line)
        if match:
            names = split_names(match.group("names"))
            if names:
                return dedupe(names)
    return []


def text_byline(lines: list[str]) -> list[str]:
    """'By Jane Doe and John Roe' / 'Von …' / '作者：…' / '记者 …' lines near the headline.

    Chinese bylines often spread over adjacent lines (记者 on one, 实习生 on the next),
    so the two lines after the first hit are read too.
    """
    for index, line in enumerate(lines):
        if len(line) > 200:
            continue
        match = EN_BYLINE.match(line)
        if match:
            names = split_names(match.group("names"))
            if names:
                return dedupe(names)
        if not _has_cjk(line):
            continue
        names = _zh_names(line)
        if names:
            for following in lines[index + 1 : index + 3]:
                if len(following) <= 200:
                    names.extend(_zh_names(following))
            return dedupe(names)
    return []


_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|你的位置|我的位置|位置)\s*[:：]|首页\s*[>｜|»]")


# Cheap pre-checks: most lines hold none of these words, and the full patterns cost more.
_NAME_LABEL_WORD = re.compile(r"作者|撰|文|记者|实习生|通讯员")
_CREDIT_WORD = re.compile(r"编|校对|审|监制|摄影|图|翻译|通讯员|实习生")
_SOURCE_WORD = re.compile(r"来源|出处|稿源|来自")


def _zh_names(line: str) -> list[str]:
    """Names after 作者/记者 labels; in prose only in the dateline at the start of a paragraph."""
    if not _NAME_LABEL_WORD.search(line) or _BREADCRUMB.search(line):
        return []
    spaced = _CUT_BEFORE_KEYWORD.sub(" ", line)
    names: list[str] = []
    for pattern in (ZH_AUTHOR, ZH_REPORTER, ZH_REPORTER_GLUED):
        for match in pattern.finditer(spaced):
            if len(line) > 80 and match.start() > 30:
                continue
            names.extend(split_names(match.group(1)))
    return names


def bracketed_byline(lines: list[str]) -> list[str]:
    """'[ 黄宇 ]' on the dateline of portal pages."""
    for line in lines:
        if len(line) <= 120 and _HAS_DATE.search(line):
            match = ZH_BRACKETED.search(line)
            if match:
                names = split_names(match.group(1))
                if names:
                    return names
    return []


# Forum and blog conventions: "ggjjzhzz 发表于 2005-9-15", "由海姑娘张贴 @ 2005-06-14",
# "发布时间 2005/03/15 22:36:13 by duscha".
POSTED_BY: tuple[re.Pattern[str], ...] = (
    re.compile(r"^(?:楼主\s*[:：]?\s*)?([^\s:：]{2,20})\s*发表于"),
    re.compile(r"由\s*([^\s:：@]{1,20}?)\s*(?:张贴|发表|发布)\b"),
    re.compile(r"^(?:由\s*)?([^\s:：@]{2,20}?)\s*张贴"),
    re.compile(r"(?:发布时间|发表时间|时间)\s*[:：]?\s*[\d/\-: ]{8,}\s*by\s+([^\s〓|]{2,30})"),
)


def posted_by(lines: tuple[str, ...]) -> list[str]:
    """The poster of a forum thread or blog entry; nicknames may be lower-case Latin."""
    for line in lines:
        if len(line) > 120 or not ("发" in line or "张贴" in line or " by " in line):
            continue
        for pattern in POSTED_BY:
            match = pattern.search(line)
            if match:
                name = match.group(1).strip()
                if _acceptable_nickname(name):
                    return [name]
    return []


def _acceptable_nickname(name: str) -> bool:
    if name.isdigit() or "http" in name or len(name) < 2:
        return False
    if _has_cjk(name):
        return clean_name(name) == name
    return bool(re.fullmatch(r"[\w.\-]{2,30}", name))


_STANDALONE_NAMES = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:[、 ][\u4e00-\u9fff]{2,3}){0,3}$")


def standalone_names(lines: list[str]) -> list[str]:
    """A line that is only a Chinese name (or a few), between a title-like line and the text.

    Essays and reposted articles print the author alone under the headline ("犬儒病(上)" /
    "胡平" / "——当代中国的精神危机"). Requiring a longer line before it and prose or a
    subtitle after it keeps two-character menu items ("要闻", "江苏") out.
    """
    for index in range(1, len(lines) - 1):
        line = lines[index]
        if not _STANDALONE_NAMES.match(line):
            continue
        before, after = lines[index - 1], lines[index + 1]
        if len(before) < 4 or _STANDALONE_NAMES.match(before):
            continue
        if not (len(after) >= 30 or after.startswith(("——", "--", "【", "（", "("))):
            continue
        names = split_names(line)
        if names:
            return names
    return []


def editor_names(lines: tuple[str, ...]) -> list[str]:
    """责任编辑/编辑 names: the last resort for pages that credit no writer."""
    for line in lines:
        if len(line) <= 120 and _has_cjk(line):
            match = ZH_EDITOR.search(_CUT_BEFORE_KEYWORD.sub(" ", line))
            if match:
                names = split_names(match.group(1))
                if names:
                    return names
    return []


def source_name(lines: list[str]) -> str | None:
    for line in lines:
        if len(line) > 200 or not _SOURCE_WORD.search(line):
            continue
        match = ZH_SOURCE.search(_CUT_BEFORE_KEYWORD.sub(" ", line))
        # "来源: size=…" is leaked markup from a broken template, not a source.
        spaced = _CUT_BEFORE_KEYWORD.sub(" ", line)
        if (
            match
            and spaced[match.end() : match.end() + 1] != "="
            and any(ch.isalpha() for ch in match.group(1))
        ):
            return match.group(1).strip()
    return None


def credits(lines: list[str]) -> list[str]:
    found: list[str] = []
    for line in lines:
        if len(line) > 200 or not _CREDIT_WORD.search(line):
            continue
        for match in ZH_CREDIT.finditer(_CUT_BEFORE_KEYWORD.sub(" ", line)):
            credit = " ".join(match.group(1).split())
            if credit not in found:
                found.append(credit)
    return found


DATE_ATTR = re.compile(
    r"date|time|publish|posted|datum|fecha|data|zeit|meta|dateline|byline|info|pubtime|pub_time",
    re.IGNORECASE,
)


def dated_elements(tree: HtmlElement) -> list[str]:
    """Short texts of elements whose class/id says they hold a date (.date, .publish-time …)."""
    scope = article_scope(tree)
    texts = _dated_texts(scope) if scope is not None else []
    return texts or _dated_texts(tree)


def _dated_texts(scope: HtmlElement) -> list[str]:
    texts: list[str] = []
    for element in _marked(scope, DATE_HINT):
        marker = f"{element.get('class') or ''} {element.get('id') or ''}"
        if len(marker) < 4 or not DATE_ATTR.search(marker) or _is_foreign(element):
            continue
        text = " ".join(element.text_content().split())
        if 6 <= len(text) <= 100:
            texts.append(text)
            if len(texts) >= 12:
                break
    return texts


def labelled_date_lines(
    everywhere: tuple[str, ...], label: re.Pattern[str] = DATE_LABEL
) -> list[str]:
    """Lines labelled as a date (发布时间：…, Datum …) anywhere, label removed.

    With ``UPDATED_LABEL`` the lines that give the modification time ("Updated …").
    """
    return [
        line[m.end() :]
        for line in everywhere
        if len(line) < 120
        for m in [label.search(line)]
        if m and m.start() < 40
    ]


def short_lines(header: list[str]) -> list[str]:
    """Short lines near the headline; long ones are prose and captions, whose dates are
    about events, not the article."""
    return [line for line in header if len(line) <= 60]


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _has_cjk(line: str) -> bool:
    return bool(_CJK_RE.search(line))
