"""Text-level chrome: decide whether a block of body text is chrome by its words alone."""

from __future__ import annotations

import re

from pipeline.cleaning.rules import (
    DEFAULT_RULES,
    LEGAL_NOTICE_MAX_CHARS,
    ChromeRules,
    NamedPattern,
    PatternSet,
)

# Matching long paragraphs against line rules costs time and risks false hits; chrome lines
# are short.
MAX_CHROME_LINE_CHARS = 300

# Traditional forms of the characters the Chinese rules are written with: Hong Kong and Taiwan
# pages (and big5 editions of mainland portals) carry the same chrome in traditional script,
# so a line is folded to simplified before matching and one rule covers both.
_TRADITIONAL = str.maketrans(
    "權聲轉載編輯責經許體號網評論關閱讀來時間報導記圖攝頁廣訊薦熱門發據說請與於為歡訂錄復覆"
    "傳類標籤簽點擊數瀏覽設計製題參聯繫電話鏈錯誤糾註冊會員個們這讓裡後開專業務貼僅觀場負應將"
    "對無實證確資議險審稿級統籌輯採",
    "权声转载编辑责经许体号网评论关阅读来时间报导记图摄页广讯荐热门发据说请与于为欢订录复复"
    "传类标签签点击数浏览设计制题参联系电话链错误纠注册会员个们这让里后开专业务贴仅观场负应将"
    "对无实证确资议险审稿级统筹辑采",
)


def _fold(text: str) -> str:
    return text if text.isascii() else text.translate(_TRADITIONAL)


# Remembered verdicts per rules object; past this many the memo starts afresh.
_MAX_VERDICTS = 50_000
_LINE, _EDGE = 0, 1


def _remembered(rules: ChromeRules, kind: int, text: str, matcher: PatternSet) -> str | None:
    verdicts = rules.line_verdicts
    key = (kind, text)
    if key in verdicts:
        return verdicts[key]
    if len(verdicts) >= _MAX_VERDICTS:
        verdicts.clear()
    verdict = verdicts[key] = matcher.search(_fold(text))
    return verdict


def chrome_line_rule(text: str, rules: ChromeRules = DEFAULT_RULES) -> str | None:
    """The name of the text rule that marks this block as chrome, or None."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) > MAX_CHROME_LINE_CHARS:
        # Long paragraphs are article text, except a site's legal or reprint notice.
        if len(stripped) > LEGAL_NOTICE_MAX_CHARS:
            return None
        return rules.legal_matcher.search(stripped)
    return _remembered(rules, _LINE, stripped, rules.line_matcher)


def edge_line_rule(text: str, rules: ChromeRules = DEFAULT_RULES) -> str | None:
    """The name of the rule marking this block as chrome when it sits at the body's edge."""
    stripped = text.strip()
    if not stripped or len(stripped) > 100:
        return None
    return _remembered(rules, _EDGE, stripped, rules.edge_matcher)


def end_marker_rule(text: str, rules: ChromeRules = DEFAULT_RULES) -> str | None:
    """The name of the rule saying the article ends before this block (comments, related …)."""
    stripped = text.strip()
    if not stripped or len(stripped) > 80:
        return None
    return rules.end_matcher.search(_fold(stripped))


def source_patterns(patterns: tuple[str, ...]) -> tuple[NamedPattern, ...]:
    """Compile a source's drop_patterns (regexes from YAML) into named line rules."""
    compiled: list[NamedPattern] = []
    for index, pattern in enumerate(patterns):
        compiled.append(NamedPattern(f"source:{index}", re.compile(pattern)))
    return tuple(compiled)
