"""Refine the chosen body region: cut at end markers, drop the headline, keep the best
contiguous run, restore linked sentences, add a standfirst, trim edge labels."""

from __future__ import annotations

import re
from itertools import pairwise

from lxml.html import HtmlElement

from pipeline.cleaning import ChromeRules, end_marker_rule
from pipeline.extraction.blocks import normalize_space
from pipeline.extraction.scoring import BAD, EDGE, GOOD, SHORT, BodyOptions, ScoredBlock, is_within

_SENTENCE_END = re.compile(r"[.!?。！？…\"'”’」）)]\s*$")


def best_region(items: list[ScoredBlock]) -> list[ScoredBlock]:
    """The contiguous run of blocks with the highest total weight (Kadane): a link list or a
    notice separated from the article by chrome falls outside it."""
    best_sum = 0.0
    best = (0, len(items))
    current = 0.0
    start = 0
    for index, item in enumerate(items):
        if current <= 0:
            current = 0.0
            start = index
        current += item.weight
        if current > best_sum:
            best_sum = current
            best = (start, index + 1)
    if best_sum <= 0:
        return items
    begin, end = best
    # Neutral blocks (images, headings) right at the edges belong with their neighbours.
    while begin > 0 and items[begin - 1].weight == 0 and items[begin - 1].label != EDGE:
        begin -= 1
    while end < len(items) and items[end].weight == 0 and items[end].label != EDGE:
        end += 1
    return items[begin:end]


def cut_at_end_marker(
    items: list[ScoredBlock], rules: ChromeRules, options: BodyOptions
) -> list[ScoredBlock]:
    """Drop what an end marker ("Comments", "Related articles", "Most read") introduces.

    The marker's section is its largest ancestor holding none of the article read so far; it
    goes. After a "related" marker, the rest of the article's own subtree stays (a "most read"
    rail mid-article goes, the paragraphs after it stay). After a final marker (comments,
    about the author, a legal notice) only blocks right beside the earlier paragraphs stay.
    """
    total = sum(item.weight for item in items if item.label == GOOD)
    seen = 0.0
    for index, item in enumerate(items):
        if item.label == GOOD:
            seen += item.weight
            continue
        late = bool(total) and seen / total >= options.end_marker_min_share
        marker = end_marker_rule(item.block.text, rules) if item.block.chars <= 60 else None
        if not (late and marker):
            continue
        before = items[:index]
        article_parents = _article_ancestors([b.block.owner for b in before if b.label == GOOD])
        section = _marker_section(item.block.owner, before)
        if section is item.block.owner and marker in _FINAL_MARKERS:
            # A comments or about-the-author heading among the article's own paragraphs:
            # in such flat markup, everything after the heading belongs to it.
            return before
        final = marker in _FINAL_MARKERS
        article_root = _common_ancestor([b.block.owner for b in before if b.label == GOOD])
        kept = list(before)
        for later in items[index + 1 :]:
            owner = later.block.owner
            if is_within(owner, section):
                continue
            if final:
                if _continues_article(owner, article_parents):
                    kept.append(later)
            elif article_root is not None and is_within(owner, article_root):
                # A related box inside the article: what follows it in the article stays.
                kept.append(later)
        return kept
    return items


def _common_ancestor(elements: list[HtmlElement]) -> HtmlElement | None:
    if not elements:
        return None
    path = [elements[0], *elements[0].iterancestors()]
    depth_of = {node: depth for depth, node in enumerate(path)}
    best = 0
    for element in elements[1:]:
        node: HtmlElement | None = element
        while node is not None and node not in depth_of:
            node = node.getparent()
        if node is None:
            return None
        best = max(best, depth_of[node])
    return path[best]


# Markers after which the article never resumes (a "Related" box may sit mid-article).
_FINAL_MARKERS = frozenset(
    {"comments-heading", "about-author", "about-person", "prevnext", "legal-heading"}
)


def _article_ancestors(owners: list[HtmlElement]) -> set[HtmlElement]:
    """Parents and grandparents of the article's paragraphs (text split into several
    rich-text wrappers shares the grandparent)."""
    found: set[HtmlElement] = set()
    for owner in owners:
        parent = owner.getparent()
        if parent is not None:
            found.add(parent)
            grandparent = parent.getparent()
            if grandparent is not None:
                found.add(grandparent)
    return found


def _continues_article(owner: HtmlElement, article_parents: set[HtmlElement]) -> bool:
    node: HtmlElement | None = owner.getparent()
    for _ in range(4):
        if node is None:
            return False
        if node in article_parents:
            return True
        node = node.getparent()
    return False


def _marker_section(owner: HtmlElement, before: list[ScoredBlock]) -> HtmlElement:
    good_owners = [b.block.owner for b in before if b.label == GOOD]
    section = owner
    while True:
        parent = section.getparent()
        if parent is None or any(is_within(g, parent) for g in good_owners):
            return section
        section = parent


def _title_key(title: str) -> str:
    return normalize_space(title).casefold()


def _same_title(text: str, title_key: str) -> bool:
    """``title_key`` is ``_title_key(title)``, computed once per page, not once per block."""
    a = normalize_space(text).casefold()
    b = title_key
    return a == b or (len(a) > 10 and (a in b or b in a) and abs(len(a) - len(b)) < 0.5 * len(b))


def drop_title(items: list[ScoredBlock], title: str | None) -> list[ScoredBlock]:
    """Remove the headline (and the kicker/breadcrumb lines above it) from the body."""
    title_key = _title_key(title) if title else ""
    for index, item in enumerate(items[:80]):
        block = item.block
        # A block with 1.5x the title's length in non-space characters cannot match it
        # (casefolding never shortens text): skip the normalising for article paragraphs.
        is_title = (
            bool(title)
            and block.chars < 300
            and (not title_key or block.chars < 1.5 * len(title_key))
            and _same_title(block.text, title_key)
        )
        if is_title or (block.kind == "h1" and item.label != GOOD):
            # Text above the headline is the site's (a tagline, a teaser), unless it is a
            # large share of the page's text (then the "headline" was something else).
            total = sum(b.weight for b in items if b.label == GOOD)
            above = sum(b.weight for b in items[:index] if b.label == GOOD)
            if above <= 0.15 * total:
                return items[index + 1 :]
            return items[:index] + items[index + 1 :]
    return items


def trim_edges(items: list[ScoredBlock]) -> list[ScoredBlock]:
    """Datelines, labels, captions and trailing headings at the edges are not article text.

    Edge lines are dropped anywhere before the first and after the last paragraph, so a
    kicker heading above a dateline does not shield it; a dateline between a long standfirst
    (a heading) and the first paragraph goes too."""
    paragraphs = [
        i for i, item in enumerate(items) if item.label == GOOD and item.block.kind[0] != "h"
    ]
    # ... or between the first paragraph (a dek) and the second.
    first_paragraph = paragraphs[1] if len(paragraphs) > 1 else len(items)
    items = [
        item for i, item in enumerate(items) if not (i < first_paragraph and item.label == EDGE)
    ]
    last = max((i for i, item in enumerate(items) if item.label == GOOD), default=-1)
    if last < 0:
        return items
    tail = [item for item in items[last + 1 :] if item.label != EDGE]
    head_end = next(i for i, item in enumerate(items) if item.label == GOOD)
    start = 0
    while start < head_end and _edge_chrome(items[start], leading=True):
        start += 1
    end = len(tail)
    while end > 0 and _edge_chrome(tail[end - 1], leading=False):
        end -= 1
    return items[start : last + 1] + tail[:end]


def _edge_chrome(item: ScoredBlock, *, leading: bool) -> bool:
    block = item.block
    if item.label == EDGE or block.kind == "caption":
        return True
    if block.kind == "h1":
        return True
    return not leading and block.kind in ("h2", "h3", "h4", "h5", "h6")


def keep_linked_sentences(items: list[ScoredBlock]) -> list[ScoredBlock]:
    """A paragraph that is one long linked sentence, between article paragraphs, is article
    text (a link-heavy list item or a "Read more" line is not; those have other rules)."""
    good = [i for i, item in enumerate(items) if item.label == GOOD]
    if len(good) < 2:
        return items
    first, last = good[0], good[-1]
    for index in range(first + 1, last):
        item = items[index]
        block = item.block
        if item.rule != "link-density" or block.kind != "p":
            continue
        words = len(block.text.split()) if not block.cjk else block.chars // 2
        # Prose links a few phrases; a link list is all links with separators between.
        prose = block.links <= max(2, words // 5) and block.link_density <= 0.75
        if prose and words >= 8 and _SENTENCE_END.search(block.text):
            item.label = SHORT
            item.rule = None
    return items


def with_lead(scored: list[ScoredBlock], first: int, title: str | None) -> list[ScoredBlock]:
    """Paragraphs just above the chosen container (a standfirst in the header, below the
    headline) with nothing but images, captions and datelines in between."""
    lead: list[ScoredBlock] = []
    title_key = _title_key(title) if title else ""
    index = first - 1
    while index >= 0 and len(lead) < 2:
        item = scored[index]
        block = item.block
        if (
            item.label == BAD
            or block.kind == "h1"
            or (title and _same_title(block.text, title_key))
        ):
            break
        if item.label == GOOD or (not lead and _standfirst_sentence(item)):
            if block.kind != "p":
                break
            lead.insert(0, item)
        elif not (item.label == EDGE or block.kind in ("img", "caption") or not block.chars):
            break
        index -= 1
    return lead


def _standfirst_sentence(item: ScoredBlock) -> bool:
    """A short but complete sentence without links right above the body: a one-line lead."""
    block = item.block
    long_enough = block.chars >= (12 if block.cjk else 40)
    return (
        item.label == SHORT and not block.link_chars and long_enough
        and bool(_SENTENCE_END.search(block.text))
    )  # fmt: skip


def first_post(items: list[ScoredBlock]) -> list[ScoredBlock]:
    """On a page of several dated posts (a blog archive, a forum thread), the first post.

    Three or more lines stamped with a date and a time, with text between them, mean the page
    lists posts. If text comes
    before the first date, dates close posts (forum footers) and the first post ends at the
    first date; otherwise dates open posts (blog headers) and the first post ends before the
    second header and its title line. Live blogs stamp entries with bare times, not dated
    lines, so they are not cut.
    """
    dated = [
        index
        for index, item in enumerate(items)
        if item.rule == "dateline"
        and item.block.kind != "quote"
        and _FULL_DATE.search(item.block.text)
        and _CLOCK.search(item.block.text)
    ]
    if len(dated) < 3:
        return items
    between = [
        any(item.label == GOOD for item in items[start + 1 : end]) for start, end in pairwise(dated)
    ]
    if sum(between) < 2:
        return items
    if any(item.label == GOOD for item in items[: dated[0]]):
        return items[: dated[0] + 1]
    cut = dated[1]
    if cut - 1 > dated[0] and _is_post_title(items[cut - 1]):
        cut -= 1
    return items[:cut]


# Post stamps carry a time of day; the dated subheads of a timeline article do not.
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
# A calendar date (2005-03-21, 2005/3/21, 2005年3月21日, 21.03.2005, March 21, 2005).
_FULL_DATE = re.compile(
    r"(19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}\.\s*\d{1,2}\.\s*(19|20)\d{2}"
    r"|[A-Z][a-z]{2,8}\.? \d{1,2}, (19|20)\d{2}"
)


def _is_post_title(item: ScoredBlock) -> bool:
    block = item.block
    return (
        item.label != GOOD
        and 2 <= block.chars <= 60
        and block.kind not in ("img", "caption", "quote")
    )


def cut_at_next_article(items: list[ScoredBlock]) -> list[ScoredBlock]:
    """Stop before further stories appended below the first (infinite scroll, "more posts"):
    the article's paragraphs sit in one <article> element, and from some block on the text
    belongs to other <article> elements only: one opened by an <h1>, or two or more of them.
    (Without <article> elements an <h1> is no sure sign: sites set photo captions and box
    titles in <h1> too; a card embedded mid-article is followed by more of the article.)"""
    stories = [_story_of(item.block.owner) for item in items]
    first = next((i for i, item in enumerate(items) if item.label == GOOD), None)
    if first is None or stories[first] is None:
        return items
    home = stories[first]
    for index in range(first + 1, len(items)):
        story = stories[index]
        if story is None or story is home:
            continue
        later = [stories[i] for i in range(index, len(items)) if items[i].label == GOOD]
        if home in later:
            return items  # the first story goes on after this block: an embedded card
        if items[index].block.kind == "h1" or len({id(s) for s in later if s is not None}) >= 2:
            return items[:index]
        return items
    return items


def _story_of(element: HtmlElement) -> HtmlElement | None:
    """The nearest <article> holding ``element``, if any."""
    node: HtmlElement | None = element
    while node is not None:
        if node.tag == "article":
            return node
        node = node.getparent()
    return None
