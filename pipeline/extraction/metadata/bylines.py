"""Bylines, sources, credits and date labels in the page text near the headline.

Covers English/European "By Jane Doe" lines, labelled info boxes ("Autorin/Autor …"),
the Chinese 作者/记者/来源/责任编辑/发布时间 lines that Chinese news pages print under the
title, and forum/blog poster lines.
"""

from __future__ import annotations

import re

from pipeline.cleaning.chars import HAN

from .authors import clean_name, dedupe, is_ui_word, split_names

# Traditional forms follow their simplified ones (Taiwan and Hong Kong pages).
_KEYWORDS = (
    "来源|來源|发布|發布|发表|發表|时间|時間|日期|编辑|編輯|责任|責任|摄影|攝影|字号|浏览|阅读|点击|"
    "评论|評論|分享|打印|关闭|通讯员|通訊員|实习生|實習生|记者|記者|作者|校对|审核|监制|出品"
)
# Compound labels (责任编辑, 题图来源, 本报记者) stay whole.
_CUT_BEFORE_KEYWORD = re.compile(
    rf"(?<=[{HAN}])(?<!责任)(?<!責任)(?<!责)(?<!題圖)(?<!题图)(?<!图片)(?<!本报)(?<!本報)(?<!特约)(?<!特約)(?=(?:{_KEYWORDS})[:：\s])"
)
# A label starts a line, follows a separator, or follows the outlet's name (光明日报记者, 新华社记者).
_LABEL_START = r"(?:^|(?<=[\s(（\[【□|:：/,，;；●◎>\]】])|(?<=[报社网台电報網電]))"
_CJK_NAME = rf"[{HAN}]{{2,4}}(?:·[{HAN}]{{1,6}})?"
# Words that follow names in a credit and are never a second name ("记者 张三 报道").
_CREDIT_VERBS = (
    "报道|報導|報道|整理|综合|綜合|编译|編譯|摘编|供稿|发自|發自|摄影|攝影|制图|翻译|翻譯"
)
# Names end where the line or the CJK run ends, or before a credit word ("马俊峰/文", "张三 摄").
# A label after the spaces ("作者：陈秋生　　发表时间：…") starts the next field, not a second name.
# Modifiers that open a label, never a name: "见习记者 张三 特约通讯员 李四".
_LABEL_MODIFIERS = "本报|本台|特约|首席|见习|实习|驻地|特派"
# A second name is neither a label, a credit verb nor followed by a label's colon
# ("作者：天涯过客 提交日期：…"); no name is followed by a colon ("作者简介：…").
_NEXT_NAME = (
    rf"[ \u3000、，,]+(?!{_KEYWORDS}|{_CREDIT_VERBS}|{_LABEL_MODIFIERS})"
    rf"{_CJK_NAME}(?![ \u3000]*(?:{_KEYWORDS})[ \u3000]*[:：])"
)
_CJK_NAMES = (
    rf"({_CJK_NAME}(?:{_NEXT_NAME})*)"
    rf"(?![ \u3000]*[:：])(?=$|[^{HAN}]|摄|攝|报道|報導|编辑|編輯|发自|來源|来源|通讯员|實習生|实习生)"
)
ZH_AUTHOR = re.compile(
    _LABEL_START + r"(?:(?:作者|撰文|撰稿)\s*[:：/／|｜]?|文\s*[:：/／|｜])\s*" + _CJK_NAMES
)
# The signature form, name before the credit: "张三/文", "张三 文", "张三｜文".
ZH_SIGNED = re.compile(_LABEL_START + _CJK_NAMES + rf"\s*[/／|｜ ]\s*文(?![{HAN}])")
# After a colon or space any name length is accepted; glued to the label ("记者马俊峰/文")
# only 2-3 characters, the length of nearly all Chinese names, so prose such as
# "记者采访时称" is not read as a byline.
_REPORTER_LABEL = (
    r"(?:本报|本報|特约|特約|新华社|中新社|中新网|中央社|本台)?"
    r"(?:记者|記者|实习生|實習生|通讯员|通訊員|评论员|評論員|撰稿人|特派员|特派員)"
)
ZH_REPORTER = re.compile(_LABEL_START + _REPORTER_LABEL + r"(?:\s*[:：|｜/／]\s*|\s+)" + _CJK_NAMES)
ZH_REPORTER_GLUED = re.compile(
    _LABEL_START
    + _REPORTER_LABEL
    + rf"([{HAN}]{{2,3}}(?:[ \u3000、，,]+(?!{_CREDIT_VERBS})[{HAN}]{{2,3}})*)"
    + rf"(?=$|[^{HAN}]|摄|攝|报道|報導|发自|發自)"
)
ZH_EDITOR = re.compile(
    _LABEL_START + r"(?:责任编辑|責任編輯|责编|编辑|編輯)\s*[:：]\s*" + _CJK_NAMES
)
# Portal style: "2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]".
ZH_BRACKETED = re.compile(rf"[\[【]\s*([{HAN}]{{2,4}})\s*[\]】]")
_HAS_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}")
ZH_SOURCE = re.compile(
    r"(?:来源|出处|稿源|来自)\s*[:：]\s*[\[【（(]?\s*([^\s|，,。:：\[\]【】()（）<>=\"']{2,30})"
)
ZH_CREDIT = re.compile(
    r"((?:责任编辑|责编|编辑|校对|审核|审校|监制|摄影|图片来源|题图来源|题图|图片|翻译|编译|通讯员|实习生)\s*[:：]\s*"
    rf"[^\s|()（）\[\]【】]{{1,30}}(?:\s+[{HAN}]{{2,4}}(?=\s|$)|\s*摄(?![{HAN}]))*)"
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


# Korean bylines put the name before the title: "홍길동 기자", "김철수 특파원".
KO_REPORTER = re.compile(r"(?<![가-힣])([가-힣]{2,4})\s*(?:선임기자|기자|특파원)(?![가-힣])")


def text_byline(lines: list[str], english_window: int | None = None) -> list[str]:
    """'By Jane Doe and John Roe' / 'Von …' / '作者：…' / '记者 …' lines near the headline.

    Chinese bylines often spread over adjacent lines (记者 on one, 实习生 on the next),
    so the two lines after the first hit are read too. ``english_window`` limits "By …"
    lines to the first lines of ``lines``.
    """
    for index, line in enumerate(lines):
        if len(line) > 200:
            continue
        # A "By …" line far below the headline belongs to a quoted or related story.
        in_window = english_window is None or index < english_window
        match = EN_BYLINE.match(line) if in_window else None
        if match:
            names = split_names(match.group("names"))
            if names:
                return dedupe(names)
        if "기자" in line or "특파원" in line:
            korean = [m.group(1) for m in KO_REPORTER.finditer(line)]
            if korean:
                return dedupe(korean)
        if not _has_cjk(line):
            continue
        names = _zh_names(line)
        if names:
            for following in lines[index + 1 : index + 3]:
                if len(following) <= 200:
                    names.extend(_zh_names(following))
            return dedupe(names)
    return []


# 丨 (an ideograph) serves Chinese media as a vertical bar: "文丨张三", "记者丨张三".
_BAR_IDEOGRAPH = "丨"
_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|你的位置|我的位置|位置)\s*[:：]|首页\s*[>｜|»]")


# Cheap pre-checks: most lines hold none of these words, and the full patterns cost more.
_NAME_LABEL_WORD = re.compile(
    r"作者|撰|文|记者|記者|实习生|實習生|通讯员|通訊員|评论员|評論員|特派"
)
_CREDIT_WORD = re.compile(r"编|校对|审|监制|摄影|图|翻译|通讯员|实习生")
_SOURCE_WORD = re.compile(r"来源|出处|稿源|来自")


def _zh_names(line: str) -> list[str]:
    """Names after 作者/记者 labels; in prose only in the dateline at the start of a paragraph."""
    if not _NAME_LABEL_WORD.search(line) or _BREADCRUMB.search(line):
        return []
    spaced = _CUT_BEFORE_KEYWORD.sub(" ", line.replace(_BAR_IDEOGRAPH, "|"))
    names: list[str] = []
    for pattern in (ZH_AUTHOR, ZH_REPORTER, ZH_REPORTER_GLUED, ZH_SIGNED):
        for match in pattern.finditer(spaced):
            if len(line) > 80 and match.start() > 30:
                continue
            names.extend(split_names(match.group(1)))
    return names


# The credit that closes a Chinese report: "…面对面选项洽谈。(信报记者 蔡雪婧)", "（总台记者 张倩）".
ZH_CLOSING_CREDIT = re.compile(
    rf"[(（]\s*[{HAN}]{{0,6}}?" + _REPORTER_LABEL + r"\s*"
    rf"([{HAN}]{{2,4}}(?:[ \u3000、，,]+[{HAN}]{{2,4}})*)\s*[)）]\s*$"
)


_REPORTER_WORD = re.compile(r"记者|記者|通讯员|通訊員|实习生|實習生")


# A signature alone in parentheses under the last paragraph: "……外科医生。" / "（袁源）".
ZH_BARE_CREDIT = re.compile(
    rf"^[(（]\s*([{HAN}]{{2,4}}(?:[ \u3000、，,]+[{HAN}]{{2,4}}){{0,3}})\s*[)）]$"
)
# What the parentheses hold when they close a text but name nobody: (完), (待续), (综合).
_TEXT_STATUS = re.compile(r"[完续终]$|^(?:未完|待续|全文|综合|整理|编译|摘编|图片|组图|视频)")
_SENTENCE_END = ("。", "！", "？", "!", "?", "”", "」", "…", ".")
_PROSE_BEFORE_CREDIT = 2  # paragraphs of article text a bare signature must follow


def closing_credit(lines: tuple[str, ...]) -> list[str]:
    """Reporters named in parentheses at the very end of a paragraph, however long it is,
    or alone in parentheses on the line after the article's last sentence."""
    prose = 0
    for index, line in enumerate(lines):
        if len(line) >= _PROSE_LINE:
            prose += 1
        tail = line[-40:]
        if not tail.endswith((")", "）")):
            continue
        if _REPORTER_WORD.search(tail):
            match = ZH_CLOSING_CREDIT.search(tail)
            names = split_names(match.group(1)) if match else []
            if names:
                return dedupe(names)
        if prose >= _PROSE_BEFORE_CREDIT and index and lines[index - 1].endswith(_SENTENCE_END):
            bare = ZH_BARE_CREDIT.match(line)
            if bare and not _TEXT_STATUS.search(bare.group(1)):
                names = split_names(bare.group(1))
                if names:
                    return dedupe(names)
    return []


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
    # Labelled posters, and writers with a nickname that no Chinese-name pattern reads:
    # "发帖人：老张头", "楼主：ggjjzhzz", "博主：Lisa", "作者：Lisa".
    re.compile(
        r"(?:^|[\s|｜\[【(（])(?:发布者|发布人|发表者|发表人|发帖人|发贴人|发信人|楼主|樓主|博主|帖主|作者)"
        r"\s*[:：]\s*([^\s:：|｜,，;；()（）\[\]【】]{2,20})"
    ),
    # WordPress's Chinese "由 小桥流水 于 2005-06-14 发表", blog templates' "posted by xiaoqiao".
    re.compile(r"由\s*([^\s:：@]{2,20}?)\s*于\s*[\d\-/年月日: ]{8,}\s*(?:张贴|发表|发布)"),
    re.compile(r"(?i:posted by)\s+([^\s@|〓]{2,30})"),
)


_POSTER_WORD = re.compile(r"发|张贴|(?i: by )|楼主|樓主|博主|帖主|作者")


def posted_by(lines: tuple[str, ...]) -> list[str]:
    """The poster of a forum thread or blog entry; nicknames may be lower-case Latin."""
    for line in lines:
        if len(line) > 120 or not _POSTER_WORD.search(line):
            continue
        for pattern in POSTED_BY:
            match = pattern.search(line)
            if match:
                name = match.group(1).strip()
                if _acceptable_nickname(name):
                    return [name]
    return []


def _acceptable_nickname(name: str) -> bool:
    if name.isdigit() or "http" in name or len(name) < 2 or is_ui_word(name):
        return False
    if _has_cjk(name):
        return clean_name(name) == name
    return bool(re.fullmatch(r"[\w.\-]{2,30}", name))


# A blog's owner, as Chinese blog platforms print it in the <title> and the page head:
# "标题 - 小桥流水的博客 - 网易博客", "胡平的博客", "标题_胡平_新浪博客".
_BLOG_OWNER = re.compile(
    r"^([^\s_|｜]{2,20}?)\s*的(?:博客|个人空间|空间|专栏|博文|日志|部落格|blog|BLOG)$"
)
_BLOG_PLATFORM = re.compile(r"(?:博客|博客网|部落格|blog|BLOG)$")
_TITLE_PARTS = re.compile(r"\s*[_|｜]\s*|\s+[-–—]\s+")


def blog_owner(title: str | None, lines: list[str]) -> list[str]:
    """The owner of a blog on a Chinese blog platform: "X的博客" in the head or the <title>,
    or the part of the <title> just before the platform's name."""
    parts = _TITLE_PARTS.split(title) if title else []
    for text in (*parts, *lines[:40]):
        match = _BLOG_OWNER.match(text.strip())
        if match and _acceptable_nickname(match.group(1).strip()):
            return [match.group(1).strip()]
    if len(parts) >= 3 and _BLOG_PLATFORM.search(parts[-1]):
        owner = parts[-2].strip()
        if _acceptable_nickname(owner) and len(owner) < len(max(parts, key=len)):
            return [owner]
    return []


_STANDALONE_NAMES = re.compile(rf"^[{HAN}]{{2,3}}(?:[、 ][{HAN}]{{2,3}}){{0,3}}$")


_PROSE_LINE = 80


def standalone_names(lines: list[str]) -> list[str]:
    """A line that is only a Chinese name (or a few), between a title-like line and the text.

    Essays and reposted articles print the author alone under the headline ("犬儒病(上)" /
    "胡平" / "——当代中国的精神危机"). Requiring a longer line before it and prose or a
    subtitle after it keeps menu items out. Two characters are the shape of most Chinese
    words as well as of some names: a line of two-character tokens under a title is far more
    often a label ("原创", "快讯", "北京") than a writer, so it counts only before a
    "——" subtitle, the essay layout.
    """
    for index in range(1, len(lines) - 1):
        line = lines[index]
        if len(lines[index - 1]) >= _PROSE_LINE:
            # The article text has begun: a short line inside it is a subheading ("推力").
            return []
        if not _STANDALONE_NAMES.match(line):
            continue
        before, after = lines[index - 1], lines[index + 1]
        if len(before) < 4 or _STANDALONE_NAMES.match(before):
            continue
        subtitle = after.startswith(("——", "--"))
        if not (subtitle or len(after) >= 30 or after.startswith(("【", "（", "("))):
            continue
        if not subtitle and all(len(token) <= 2 for token in re.split(r"[、 ]", line)):
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


_CJK_RE = re.compile(f"[{HAN}]")


def _has_cjk(line: str) -> bool:
    return bool(_CJK_RE.search(line))
