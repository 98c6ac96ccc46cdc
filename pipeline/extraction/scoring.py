"""Classify a page's text blocks: good paragraphs, short text, edge labels, chrome.

The labels and weights drive body selection (``pipeline.extraction.body``): positive for
paragraph-like text (long, punctuated, few links), negative for link lists, teaser cards and
chrome lines, zero for images, captions and the headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipeline.cleaning import ChromeRules, chrome_line_rule, edge_line_rule
from pipeline.extraction.blocks import BLOCK_TAGS, LEAD_PREFIX, Block

_PUNCT = re.compile(r"[.!?;:,。！？；：，、…]")

EDGE = "edge"  # datelines, labels: dropped only at the body's start or end
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
    short_weight: float = 0.3


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
        if block.anchor_links and 2 * block.anchor_links >= block.links:
            # A table of contents (links into the page itself) is dropped, but it is part of
            # the article: it must not split the intro above it from the body below.
            return ScoredBlock(block, BAD, 0.0, "contents")
        return ScoredBlock(block, BAD, -float(block.link_chars), "link-density")
    own = block.chars - block.link_chars
    edge_rule = edge_line_rule(block.text, rules)
    if edge_rule:
        return ScoredBlock(block, EDGE, 0.0, edge_rule)
    threshold = options.min_good_chars_cjk if block.cjk else options.min_good_chars
    scale = 3.0 if block.cjk else 1.0
    if LEAD_PREFIX.match(block.text) and density <= options.max_link_density:
        # "摘要：…" / "Summary: …" is the article's own lead, however short.
        return ScoredBlock(block, GOOD, max(float(own) * scale, 60.0))
    if block.kind in ("h1", "caption"):
        return ScoredBlock(block, SHORT, 0.0)
    if own >= threshold and density <= options.max_link_density:
        punctuated = bool(_PUNCT.search(block.text))
        if punctuated or own >= 3 * threshold:
            return ScoredBlock(block, GOOD, float(own) * scale)
    if density > options.max_link_density:
        return ScoredBlock(block, SHORT, -0.2 * block.chars)
    # Link-free short text: list items, short paragraphs, table cells. Mildly positive, so a
    # list-heavy article still outweighs a lone notice elsewhere on the page.
    return ScoredBlock(block, SHORT, options.short_weight * own * scale)


def demote_teasers(scored: list[ScoredBlock]) -> None:
    """A paragraph inside a repeated card that also holds a link headline is a teaser (related
    stories, "more from"), however well written: make it count against its container."""
    verdicts: dict[HtmlElement, bool] = {}
    for item in scored:
        if item.label != GOOD:
            continue
        if _in_teaser_card(item.block.owner, verdicts):
            item.label = BAD
            item.rule = "teaser"
            item.weight = -0.5 * item.weight


def demote_teaser_runs(scored: list[ScoredBlock]) -> None:
    """A short paragraph right after a linked headline, with no second paragraph before the
    next headline, is a teaser when three or more such pairs share one parent element: a
    "latest headlines" list (dt/dd pairs, headline + summary) whose summaries sit outside the
    headline's own card. A ranked-list article has longer items, so it is left alone."""
    groups: dict[HtmlElement, list[int]] = {}
    previous: ScoredBlock | None = None
    for index, item in enumerate(scored):
        if item.block.kind in ("img", "caption"):
            continue
        if (
            item.label == GOOD
            and previous is not None
            and _is_headline_link(previous)
            and item.block.chars < _TEASER_MAX_CHARS
            and not _next_is_paragraph(scored, index)
        ):
            parent = item.block.owner.getparent()
            if parent is not None and previous.block.owner.getparent() is parent:
                groups.setdefault(parent, []).append(index)
        previous = item
    paragraphs_under: dict[HtmlElement, int] = {}
    for item in scored:
        if item.label == GOOD:
            parent = item.block.owner.getparent()
            if parent in groups:
                paragraphs_under[parent] = paragraphs_under.get(parent, 0) + 1
    for parent, members in groups.items():
        # Only a list made of nothing but headline + summary pairs: article paragraphs that
        # happen to follow a linked line stand among other paragraphs.
        if len(members) < 3 or paragraphs_under[parent] > len(members):
            continue
        for index in members:
            item = scored[index]
            item.label = BAD
            item.rule = "teaser"
            item.weight = -0.5 * item.weight


# A teaser summary is a sentence or two; an item of a ranked-list article runs longer.
_TEASER_MAX_CHARS = 300


def _is_headline_link(item: ScoredBlock) -> bool:
    block = item.block
    return (
        item.rule == "link-density"
        and block.links >= 1
        and block.chars <= 200
        and not block.text.startswith(("http://", "https://", "www."))
    )


def _next_is_paragraph(scored: list[ScoredBlock], index: int) -> bool:
    for item in scored[index + 1 : index + 4]:
        if item.block.kind in ("img", "caption"):
            continue
        return item.label == GOOD
    return False


def _in_teaser_card(owner: HtmlElement, verdicts: dict[HtmlElement, bool]) -> bool:
    ancestor: HtmlElement | None = owner
    for _ in range(5):
        if ancestor is None:
            return False
        parent = ancestor.getparent()
        if parent is None:
            return False
        verdict = verdicts.get(ancestor)
        if verdict is None:
            verdict = _is_teaser_card(ancestor, owner, parent)
            verdicts[ancestor] = verdict
        if verdict:
            return True
        ancestor = parent
    return False


def _is_teaser_card(card: HtmlElement, owner: HtmlElement, parent: HtmlElement) -> bool:
    if card.tag not in ("li", "article", "div", "section"):
        return False
    cls = card.get("class")
    # Three look-alike siblings are enough; do not walk a huge flat parent.
    twins = 0
    for sibling in parent.iterchildren(card.tag):
        if sibling.get("class") == cls:
            twins += 1
            if twins >= 3:
                break
    if twins < 3:
        return False
    headline = False
    for link in card.iter("a"):
        link_len = len(link.text_content().strip())
        if link_len >= 15 and not is_within(link, owner) and _is_own_block(link, link_len):
            headline = True
            break
    if not headline:
        return False
    # A teaser is a headline and a sentence or two; a live-blog entry or an article section
    # with an inline "read more" link runs longer.
    paragraphs = sum(1 for _ in card.iter("p"))
    return paragraphs <= 2 and len(card.text_content()) < 800


def _is_own_block(link: HtmlElement, link_len: int) -> bool:
    """The link is the whole of its block (a headline), not a link inside a sentence."""
    for ancestor in link.iterancestors():
        if ancestor.tag in BLOCK_TAGS:
            return len(ancestor.text_content().strip()) <= 1.3 * link_len + 5
    return False


def is_within(element: HtmlElement, ancestor: HtmlElement) -> bool:
    node: HtmlElement | None = element
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False
