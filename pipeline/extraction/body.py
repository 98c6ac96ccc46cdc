"""Find the article body among a page's text blocks.

Each block gets a weight: positive for paragraph-like text (long, punctuated, few links),
negative for link lists, teaser cards and chrome lines. The container whose blocks sum
highest is the body (the tree version of a maximum-sum segment: adding a sidebar or a comment
list lowers the sum, adding more article paragraphs raises it); it is widened into its
ancestors when a contiguous run there buys real text, and a standfirst just above it joins.
Inside, the text is cut at end markers (comments, related, legal notices), the headline goes,
the best contiguous run is kept, and chrome lines, link lists and edge labels are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipeline.cleaning import ChromeRules, chrome_line_rule, edge_line_rule, end_marker_rule
from pipeline.extraction.blocks import BLOCK_TAGS, LEAD_PREFIX, Block, normalize_space

_PUNCT = re.compile(r"[.!?;:,。！？；：，、…]")
_SENTENCE_END = re.compile(r"[.!?。！？…\"'”’」）)]\s*$")

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
        return ScoredBlock(block, BAD, -float(block.link_chars), "link-density")
    own = block.chars - block.link_chars
    if edge_line_rule(block.text, rules):
        return ScoredBlock(block, EDGE, 0.0, "edge")
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
    _demote_teasers(scored)
    if find_container and any(item.label == GOOD for item in scored):
        container = choose_container(scored, root)
        cache: dict[HtmlElement, bool] = {}
        positions = [
            i for i, item in enumerate(scored) if _inside(item.block.owner, container, cache)
        ]
        lo, hi = _widen(scored, positions[0], positions[-1] + 1, container, root)
        inside = _with_lead(scored, lo, title) + scored[lo:hi]
    else:
        inside = scored
    inside = _cut_at_end_marker(inside, rules, options)
    inside = _drop_title(inside, title)
    inside = _best_region(inside)
    kept = _keep_linked_sentences(inside)
    kept = [item for item in kept if item.label != BAD]
    return _trim_edges(kept)


def _widen(
    scored: list[ScoredBlock], lo: int, hi: int, container: HtmlElement, root: HtmlElement
) -> tuple[int, int]:
    """Grow the container's block range [lo, hi) into its ancestors while the best contiguous
    run there contains it and sums higher: an article split across sibling wrappers, or one
    whose container also holds a tag cloud, is taken whole without the surrounding chrome."""
    total = sum(item.weight for item in scored[lo:hi])
    node = container
    for _ in range(4):
        if node is root:
            break
        parent = node.getparent()
        if parent is None:
            break
        node = parent
        cache: dict[HtmlElement, bool] = {}
        a_lo, a_hi = lo, hi
        while a_lo > 0 and _inside(scored[a_lo - 1].block.owner, node, cache):
            a_lo -= 1
        while a_hi < len(scored) and _inside(scored[a_hi].block.owner, node, cache):
            a_hi += 1
        r_lo, r_hi, r_sum = _max_run(scored, a_lo, a_hi)
        # Widening must buy real text, not a caption or an agency line next to the body.
        if r_lo <= lo and r_hi >= hi and r_sum > total + max(100.0, 0.15 * total):
            lo, hi, total = r_lo, r_hi, r_sum
    return lo, hi


def _max_run(scored: list[ScoredBlock], lo: int, hi: int) -> tuple[int, int, float]:
    best = (lo, lo, 0.0)
    current = 0.0
    start = lo
    for index in range(lo, hi):
        if current <= 0:
            current = 0.0
            start = index
        current += scored[index].weight
        if current > best[2]:
            best = (start, index + 1, current)
    return best


def _keep_linked_sentences(items: list[ScoredBlock]) -> list[ScoredBlock]:
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


def _with_lead(scored: list[ScoredBlock], first: int, title: str | None) -> list[ScoredBlock]:
    """Paragraphs just above the chosen container (a standfirst in the header, below the
    headline) with nothing but images, captions and datelines in between."""
    lead: list[ScoredBlock] = []
    index = first - 1
    while index >= 0 and len(lead) < 2:
        item = scored[index]
        block = item.block
        if item.label == BAD or block.kind == "h1" or (title and _same_title(block.text, title)):
            break
        if item.label == GOOD:
            if block.kind != "p":
                break
            lead.insert(0, item)
        elif not (item.label == EDGE or block.kind in ("img", "caption") or not block.chars):
            break
        index -= 1
    return lead


def _demote_teasers(scored: list[ScoredBlock]) -> None:
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
        if link_len >= 15 and not _is_within(link, owner) and _is_own_block(link, link_len):
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


def _is_within(element: HtmlElement, ancestor: HtmlElement) -> bool:
    node: HtmlElement | None = element
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _best_region(items: list[ScoredBlock]) -> list[ScoredBlock]:
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


def _cut_at_end_marker(
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
            if _is_within(owner, section):
                continue
            if final:
                if _continues_article(owner, article_parents):
                    kept.append(later)
            elif article_root is not None and _is_within(owner, article_root):
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
        if parent is None or any(_is_within(g, parent) for g in good_owners):
            return section
        section = parent


def _same_title(text: str, title: str) -> bool:
    a = normalize_space(text).casefold()
    b = normalize_space(title).casefold()
    return a == b or (len(a) > 10 and (a in b or b in a) and abs(len(a) - len(b)) < 0.5 * len(b))


def _drop_title(items: list[ScoredBlock], title: str | None) -> list[ScoredBlock]:
    """Remove the headline (and the kicker/breadcrumb lines above it) from the body."""
    for index, item in enumerate(items[:80]):
        block = item.block
        is_title = bool(title) and block.chars < 300 and _same_title(block.text, title or "")
        if is_title or (block.kind == "h1" and item.label != GOOD):
            # Text above the headline is the site's (a tagline, a teaser), unless it is a
            # large share of the page's text (then the "headline" was something else).
            total = sum(b.weight for b in items if b.label == GOOD)
            above = sum(b.weight for b in items[:index] if b.label == GOOD)
            if above <= 0.15 * total:
                return items[index + 1 :]
            return items[:index] + items[index + 1 :]
    return items


def _trim_edges(items: list[ScoredBlock]) -> list[ScoredBlock]:
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
