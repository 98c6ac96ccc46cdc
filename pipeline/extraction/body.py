"""Find the article body among a page's text blocks.

Each block gets a weight: positive for paragraph-like text (long, punctuated, few links),
negative for link lists and chrome lines. The container whose blocks sum highest is the body
(the tree version of a maximum-sum segment: adding a sidebar or a comment list lowers the
sum, adding more article paragraphs raises it). Inside it, chrome lines, link lists and short
leftovers at the edges are dropped, and the text is cut at end markers (comments, related).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipeline.cleaning import ChromeRules, chrome_line_rule, end_marker_rule
from pipeline.extraction.blocks import Block, normalize_space

_PUNCT = re.compile(r"[.!?;:,。！？；：，、…]")
_SENTENCE_END = re.compile(r"[.!?。！？…\"'”’」）)]\s*$")

GOOD = "good"
SHORT = "short"
BAD = "bad"


@dataclass(frozen=True, slots=True)
class BodyOptions:
    """Thresholds for block classification (characters without whitespace)."""

    min_good_chars: int = 70
    min_good_chars_cjk: int = 20
    max_link_density: float = 0.35
    bad_link_density: float = 0.5
    # An end marker only ends the article once this share of its good text is behind us.
    end_marker_min_share: float = 0.3


@dataclass(slots=True)
class ScoredBlock:
    block: Block
    label: str
    weight: float
    rule: str | None = None


def classify(block: Block, rules: ChromeRules, options: BodyOptions) -> ScoredBlock:
    if block.kind == "img":
        return ScoredBlock(block, SHORT, 0.0)
    rule = chrome_line_rule(block.text, rules)
    if rule:
        return ScoredBlock(block, BAD, -float(block.chars), rule)
    density = block.link_density
    if density > options.bad_link_density and block.kind != "table":
        return ScoredBlock(block, BAD, -float(block.link_chars), "link-density")
    own = block.chars - block.link_chars
    threshold = options.min_good_chars_cjk if block.cjk else options.min_good_chars
    if block.kind in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return ScoredBlock(block, SHORT, 0.0)
    if own >= threshold and density <= options.max_link_density:
        punctuated = bool(_PUNCT.search(block.text))
        if punctuated or own >= 3 * threshold:
            weight = float(own) * (3.0 if block.cjk else 1.0)
            return ScoredBlock(block, GOOD, weight)
    if block.kind == "table":
        return ScoredBlock(block, SHORT, float(own) * 0.1)
    return ScoredBlock(block, SHORT, -0.2 * block.chars)


def choose_container(scored: list[ScoredBlock], root: HtmlElement) -> HtmlElement:
    """The element whose blocks' weights sum highest (deepest wins ties)."""
    totals: dict[HtmlElement, float] = {}
    depth_of: dict[HtmlElement, int] = {}
    for item in scored:
        if not item.weight:
            continue
        element: HtmlElement | None = item.block.owner
        chain: list[HtmlElement] = []
        while element is not None:
            chain.append(element)
            if element is root:
                break
            element = element.getparent()
        for depth, ancestor in enumerate(reversed(chain)):
            totals[ancestor] = totals.get(ancestor, 0.0) + item.weight
            depth_of[ancestor] = depth
    if not totals:
        return root
    return max(totals, key=lambda el: (round(totals[el], 3), depth_of[el]))


def _inside(element: HtmlElement, container: HtmlElement, cache: dict[HtmlElement, bool]) -> bool:
    path: list[HtmlElement] = []
    node: HtmlElement | None = element
    result = False
    while node is not None:
        if node in cache:
            result = cache[node]
            break
        if node is container:
            result = True
            break
        path.append(node)
        node = node.getparent()
    for visited in path:
        cache[visited] = result
    return result


def select_body(
    blocks: list[Block],
    root: HtmlElement,
    rules: ChromeRules,
    title: str | None = None,
    options: BodyOptions | None = None,
    *,
    find_container: bool = True,
) -> list[ScoredBlock]:
    """The article's blocks, in order. ``find_container=False`` keeps every block's region
    (a source's body selector already chose it) and only filters."""
    options = options or BodyOptions()
    scored = [classify(block, rules, options) for block in blocks]
    if find_container and any(item.label == GOOD for item in scored):
        container = choose_container(scored, root)
        cache: dict[HtmlElement, bool] = {}
        inside = [item for item in scored if _inside(item.block.owner, container, cache)]
    else:
        inside = scored
    inside = _cut_at_end_marker(inside, rules, options)
    inside = _drop_title(inside, title)
    kept = [item for item in inside if item.label != BAD]
    return _trim_edges(kept)


def _cut_at_end_marker(
    items: list[ScoredBlock], rules: ChromeRules, options: BodyOptions
) -> list[ScoredBlock]:
    total = sum(item.weight for item in items if item.label == GOOD)
    seen = 0.0
    for index, item in enumerate(items):
        if item.label == GOOD:
            seen += item.weight
            continue
        late = bool(total) and seen / total >= options.end_marker_min_share
        if late and item.block.chars <= 40 and end_marker_rule(item.block.text, rules):
            return items[:index]
    return items


def _same_title(text: str, title: str) -> bool:
    a = normalize_space(text).casefold()
    b = normalize_space(title).casefold()
    return a == b or (len(a) > 10 and (a in b or b in a) and abs(len(a) - len(b)) < 0.5 * len(b))


def _drop_title(items: list[ScoredBlock], title: str | None) -> list[ScoredBlock]:
    """Remove the headline (and the kicker/breadcrumb lines above it) from the body."""
    for index, item in enumerate(items[:15]):
        block = item.block
        is_title = bool(title) and block.chars < 300 and _same_title(block.text, title or "")
        if is_title or (block.kind == "h1" and item.label != GOOD):
            if all(previous.label != GOOD for previous in items[:index]):
                return items[index + 1 :]
            return items[:index] + items[index + 1 :]
    return items


def _trim_edges(items: list[ScoredBlock]) -> list[ScoredBlock]:
    """Short blocks before the first and after the last paragraph are bylines, dates, labels."""
    first = next((i for i, item in enumerate(items) if item.label == GOOD), None)
    if first is None:
        return items
    last = max(i for i, item in enumerate(items) if item.label == GOOD)
    start = first
    # A subheading or a short lead sentence right before the first paragraph belongs to it.
    while start > 0 and _belongs_before(items[start - 1]):
        start -= 1
    end = last + 1
    while end < len(items) and _belongs_after(items[end]):
        end += 1
    return items[start:end]


def _belongs_before(item: ScoredBlock) -> bool:
    block = item.block
    if block.kind == "img":
        return True
    return block.kind in ("h2", "h3", "h4", "h5", "h6") and block.link_chars == 0


def _belongs_after(item: ScoredBlock) -> bool:
    block = item.block
    if block.kind in ("img", "caption"):
        return True
    # A short closing sentence ("坚持就是胜利!", "That's all.") ends with punctuation.
    return (
        block.kind in ("p", "li", "quote")
        and block.link_chars == 0
        and bool(_SENTENCE_END.search(block.text))
        and block.chars >= 4
    )
