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

from lxml.html import HtmlElement

from pipeline.cleaning import ChromeRules
from pipeline.extraction.blocks import Block
from pipeline.extraction.refine import (
    best_region,
    cut_at_end_marker,
    cut_at_next_article,
    drop_title,
    first_post,
    keep_linked_sentences,
    trim_edges,
    with_lead,
)
from pipeline.extraction.scoring import (
    BAD,
    GOOD,
    SHORT,
    BodyOptions,
    ScoredBlock,
    classify,
    demote_teaser_runs,
    demote_teasers,
)

__all__ = ["BodyOptions", "ScoredBlock", "choose_container", "classify", "select_body"]


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
    if not any(item.label == GOOD for item in scored):
        scored = _captions_as_text(scored, rules, options)
    if not any(item.label == GOOD for item in scored):
        _link_list_below_headline(scored, options)
    demote_teasers(scored)
    demote_teaser_runs(scored)
    if find_container and any(item.label == GOOD for item in scored):
        container = choose_container(scored, root)
        cache: dict[HtmlElement, bool] = {}
        positions = [
            i for i, item in enumerate(scored) if _inside(item.block.owner, container, cache)
        ]
        lo, hi = _widen(scored, positions[0], positions[-1] + 1, container, root)
        inside = with_lead(scored, lo, title) + scored[lo:hi]
    else:
        inside = scored
    inside = cut_at_end_marker(inside, rules, options)
    inside = cut_at_next_article(inside)
    inside = drop_title(inside, title)
    inside = first_post(inside)
    inside = best_region(inside)
    kept = keep_linked_sentences(inside)
    kept = [item for item in kept if item.label != BAD]
    return trim_edges(kept)


def _captions_as_text(
    scored: list[ScoredBlock], rules: ChromeRules, options: BodyOptions
) -> list[ScoredBlock]:
    """A page without one paragraph outside captions: a short article beside its photo reads
    as that photo's caption (a wrapper holding just an image and the text). Then the text
    beside the image is the article; a <figcaption> stays a caption."""
    rescored = []
    for item in scored:
        block = item.block
        if block.kind == "caption" and block.owner.tag not in ("figcaption", "caption", "figure"):
            block.kind = "p"
            item = classify(block, rules, options)
        rescored.append(item)
    return rescored


def _link_list_below_headline(scored: list[ScoredBlock], options: BodyOptions) -> None:
    """A post that is nothing but a list of links (a link roll, a reading list) has no
    paragraph at all: then the first list of three or more linked items below the headline is
    its text, instead of whatever short line elsewhere weighs most."""
    headline = next((i for i, item in enumerate(scored) if item.block.kind == "h1"), None)
    if headline is None:
        return
    lists: dict[HtmlElement, list[ScoredBlock]] = {}
    for item in scored[headline + 1 :]:
        if item.rule != "link-density" or item.block.list_tag is None:
            continue
        holder = _list_of(item.block.owner)
        if holder is None:
            continue
        lists.setdefault(holder, []).append(item)
        if len(lists) > 1 and len(next(iter(lists.values()))) >= 3:
            break
    for items in lists.values():
        if len(items) >= 3:
            for item in items:
                item.label = SHORT
                item.rule = "link-list-post"
                item.weight = options.short_weight * item.block.chars
            return


def _list_of(element: HtmlElement) -> HtmlElement | None:
    node: HtmlElement | None = element
    while node is not None:
        if node.tag in ("ul", "ol"):
            return node
        node = node.getparent()
    return None


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
