"""The page's visible text as lines split at block boundaries, and the lines near the headline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

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
# Headings (or lines) that open a comment section: names after one are commenters'.
COMMENT_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|discussion|"
    r"leave a (?:reply|comment)|join the (?:conversation|discussion)|kommentare?|commentaires?|"
    r"comentarios?|commenti)(?:\s*[(（]?\d+[)）]?)?$"
    r"|^(?:评论|最新评论|网友评论|热门评论|全部评论|读者评论|用户评论|精彩评论|评论区|发表评论|我要评论|"
    r"网友留言|留言|留言板|跟帖)(?:\s*[(（]?\d+[)）]?)?$",
    re.IGNORECASE,
)
_PROSE = 80  # a line this long is article text: a comments heading after it ends the article


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


HEADER_BEFORE = 5  # lines above the headline that belong to the header (kickers, dates)


def header_lines(text: PageText, before: int = HEADER_BEFORE, after: int = 40) -> list[str]:
    """Lines around the headline, where bylines and dates sit; the whole top when there is no h1."""
    if text.headline_index < 0:
        return _before_comments(list(text.lines[:150]))
    start = max(0, text.headline_index - before)
    return _before_comments(list(text.lines[start : text.headline_index + after]))


def _before_comments(lines: list[str]) -> list[str]:
    """Lines up to a comments heading that follows article prose; bylines after it are
    commenters'. A "14 Comments" link in the byline, before any prose, ends nothing."""
    seen_prose = False
    for index, line in enumerate(lines):
        if len(line) >= _PROSE:
            seen_prose = True
        elif seen_prose and len(line) <= 40 and COMMENT_HEADING.match(line):
            return lines[:index]
    return lines


def short_lines(header: list[str]) -> list[str]:
    """Short lines near the headline; long ones are prose and captions, whose dates are
    about events, not the article."""
    return [line for line in header if len(line) <= 60]
