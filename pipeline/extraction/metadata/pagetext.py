"""The page's visible text as lines split at block boundaries, and the lines near the headline."""

from __future__ import annotations

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
# class/id/itemprop words that mark an element holding the author's name.


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


def short_lines(header: list[str]) -> list[str]:
    """Short lines near the headline; long ones are prose and captions, whose dates are
    about events, not the article."""
    return [line for line in header if len(line) <= 60]
