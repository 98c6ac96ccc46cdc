"""Cut a page tree into text blocks (paragraphs, headings, list items, cells, images).

Chinese pages often carry a whole article in one <td> or <div> with <br> between paragraphs,
so <br> ends a block just as a block-level tag does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import islice

from lxml.html import HtmlElement

from pipeline.cleaning.chars import cjk_count, collapse_space, nonspace_len

# Text under an image (photo captions and credits) is not article text; it goes to Image.caption.
_CAPTION_CLASS = re.compile(
    r"caption|photo-?credit|image-?credit|img-?credit|credit-?line|photo-?text|img-?desc|"
    r"image-?desc|bildunterschrift|bildtext|legende|legend|pic-?info|tuzhu|gallery-?count",
    re.I,
)
# A block that opens with one of these labels is the article's lead (摘要, 导语, Summary).
LEAD_PREFIX = re.compile(r"^\s*(摘要|导读|导语|核心提示|内容提要|提要|summary)\s*[:：]\s*", re.I)

BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "body", "html",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote",
        "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure",
        "figcaption", "hr", "address", "center", "form", "fieldset", "details", "summary",
        "hgroup", "text", "font-block", "picture", "noscript",
    }
)  # fmt: skip
# Inline tags whose markup we keep in the output HTML.
_KEEP_INLINE = frozenset({"a", "strong", "b", "em", "i", "sub", "sup", "code", "mark", "small"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(slots=True)
class Block:
    """A run of text with one role, and the element it lives in."""

    text: str
    kind: str  # p, h1..h6, li, quote, pre, caption, table, img
    owner: HtmlElement  # innermost block-level element holding the text
    chars: int  # non-whitespace characters
    link_chars: int
    html: str = ""  # inline HTML (links, emphasis), escaped
    list_tag: str | None = None  # ul/ol for list items
    cjk: bool = False
    image: HtmlElement | None = None
    links: int = 0  # number of <a> elements in the block
    anchor_links: int = 0  # of which point into the page itself (href="#..."): a contents list

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def is_cjk_text(text: str) -> bool:
    sample = text[:400]
    if sample.isascii():
        return False
    letters = nonspace_len(sample)
    return bool(letters) and cjk_count(sample) / letters > 0.3


def normalize_space(text: str) -> str:
    return collapse_space(text)


class _Builder:
    """Accumulates inline text and markup until a block boundary."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.markup: list[str] = []
        self.link_chars = 0
        self.links = 0
        self.anchor_links = 0
        self.pending_images: list[Block] = []  # images met mid-paragraph, emitted after it
        self.open_inline: list[tuple[str, str]] = []  # (tag, opening markup)

    def add_text(self, text: str | None, in_link: bool) -> None:
        if not text:
            return
        self.text.append(text)
        self.markup.append(html.escape(text, quote=False))
        if in_link:
            self.link_chars += nonspace_len(text)

    def open_tag(self, tag: str, opening: str) -> None:
        self.open_inline.append((tag, opening))
        self.markup.append(opening)

    def close_tag(self) -> None:
        tag, _ = self.open_inline.pop()
        self.markup.append(f"</{tag}>")

    def flush(self, owner: HtmlElement, kind: str, list_tag: str | None, pre: bool = False) -> None:
        raw = "".join(self.text)
        text = raw.strip("\n") if pre else normalize_space(raw)
        if text:
            closing = "".join(f"</{tag}>" for tag, _ in reversed(self.open_inline))
            self.blocks.append(
                Block(
                    text=text,
                    kind=kind,
                    owner=owner,
                    # Collapsed text has single spaces only: counting them is exact.
                    chars=nonspace_len(text) if pre else len(text) - text.count(" "),
                    link_chars=self.link_chars,
                    html=("".join(self.markup) + closing).strip(),
                    list_tag=list_tag,
                    cjk=is_cjk_text(text),
                    links=self.links,
                    anchor_links=self.anchor_links,
                )
            )
        self.blocks.extend(self.pending_images)
        self.pending_images = []
        self.text = []
        self.links = 0
        self.anchor_links = 0
        self.markup = [opening for _, opening in self.open_inline]
        self.link_chars = 0


def _kind_for(tag: str, parent_kind: str, element: HtmlElement) -> str:
    if parent_kind == "caption":
        return "caption"
    if tag in ("figcaption", "caption"):
        return "caption"
    if tag == "figure" and element.find(".//blockquote") is None:
        return "caption"  # a figure is an image and its caption, unless it frames a quote
    names = element.get("class") or element.get("id")
    if names and _CAPTION_CLASS.search(names):
        return "caption"
    if tag in ("p", "div", "span", "small") and _beside_image(element):
        return "caption"
    if tag in _HEADINGS:
        return tag
    if tag in ("li", "dd", "dt"):
        return "li"
    if tag == "blockquote":
        return "quote"
    if tag == "pre":
        return "pre"
    if tag in ("td", "th"):
        return "td" if parent_kind not in ("quote", "caption", "li") else parent_kind
    return parent_kind if parent_kind in ("quote", "caption", "li", "pre", "td") else "p"


def _beside_image(element: HtmlElement) -> bool:
    """The only text in a small wrapper whose other child is an image: a photo caption."""
    parent = element.getparent()
    if parent is None or parent.tag in ("body", "article", "main", "section"):
        return False
    # len(parent) walks every child in lxml; a wrapper with thousands of children is no caption.
    siblings = [
        child
        for child in islice(parent.iterchildren(), 5)
        if child is not element and isinstance(child.tag, str)
    ]
    if not siblings or len(siblings) > 3:
        return False
    # Text beside it first: it is found in C and rules out the paragraphs of an article.
    if (parent.text or "").strip() or any(
        len(child.text_content().strip()) > 20 for child in siblings
    ):
        return False
    if not any(
        child.tag in ("img", "picture") or next(child.iter("img"), None) is not None
        for child in siblings
    ):
        return False
    return len(element.text_content()) < 500


def _is_data_table(table: HtmlElement) -> bool:
    """A grid of short cells (results, figures), not a layout table wrapping the page."""
    if table.find(".//table") is not None:
        return False
    rows = table.findall(".//tr")
    if len(rows) < 2:
        return False
    cells = [cell for row in rows for cell in row if cell.tag in ("td", "th")]
    if len(cells) < 4 or len(cells) / len(rows) < 2:
        return False
    if any(cell.find(".//div") is not None or cell.find(".//p") is not None for cell in cells):
        return False
    lengths = [len(normalize_space(cell.text_content())) for cell in cells]
    return max(lengths) < 200 and sum(lengths) / len(lengths) < 60


def _table_block(table: HtmlElement) -> Block | None:
    rows: list[list[str]] = []
    markup = ["<table>"]
    for row in table.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
        texts = [normalize_space(cell.text_content()) for cell in cells]
        if not any(texts):
            continue
        rows.append(texts)
        markup.append(
            "<tr>"
            + "".join(
                f"<{cell.tag}>{html.escape(text, quote=False)}</{cell.tag}>"
                for cell, text in zip(cells, texts, strict=True)
            )
            + "</tr>"
        )
    markup.append("</table>")
    if not rows:
        return None
    text = "\n".join(" ".join(t for t in row if t) for row in rows)
    link_chars = sum(nonspace_len(a.text_content()) for a in table.iter("a"))
    return Block(
        text=text,
        kind="table",
        owner=table,
        chars=nonspace_len(text),
        link_chars=link_chars,
        html="".join(markup),
        cjk=is_cjk_text(text),
    )


def segment(root: HtmlElement) -> list[Block]:
    """All text blocks under ``root`` in document order."""
    builder = _Builder()
    _walk(root, builder, root, "p", None, False, False)
    builder.flush(root, "p", None)
    return builder.blocks


def _walk(
    element: HtmlElement,
    builder: _Builder,
    owner: HtmlElement,
    kind: str,
    list_tag: str | None,
    in_link: bool,
    pre: bool,
) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            builder.add_text(child.tail, in_link)
            continue
        if tag in BLOCK_TAGS:
            builder.flush(owner, kind, list_tag, pre)
            if tag == "table" and _is_data_table(child):
                block = _table_block(child)
                if block:
                    builder.blocks.append(block)
            else:
                child_kind = _kind_for(tag, kind, child)
                child_list = tag if tag in ("ul", "ol") else list_tag
                saved = builder.open_inline
                builder.open_inline = []
                builder.markup = []
                builder.add_text(child.text, in_link)
                _walk(child, builder, child, child_kind, child_list, in_link, pre or tag == "pre")
                builder.flush(child, child_kind, child_list, pre or tag == "pre")
                builder.open_inline = saved
                builder.markup = [opening for _, opening in saved]
            builder.add_text(child.tail, in_link)
            continue
        if tag == "br":
            if pre:
                builder.add_text("\n", in_link)
            else:
                builder.flush(owner, kind, list_tag, pre)
            builder.add_text(child.tail, in_link)
            continue
        if tag == "img":
            image = Block(text="", kind="img", owner=owner, chars=0, link_chars=0, image=child)
            if "".join(builder.text).strip():
                # An image inside a sentence must not split the paragraph: it follows it.
                builder.pending_images.append(image)
            else:
                builder.blocks.append(image)
            builder.add_text(child.tail, in_link)
            continue
        child_in_link = in_link or (tag == "a" and not _wraps_article(child))
        if tag == "a":
            builder.links += 1
            href = child.get("href") or ""
            if href.startswith("#") and len(href) > 1 and href[1] != "!":
                builder.anchor_links += 1  # "#" alone (or "#!") is a script button
        keep = tag in _KEEP_INLINE
        if keep:
            builder.open_tag(tag, _opening(child))
        builder.add_text(child.text, child_in_link)
        _walk(child, builder, owner, kind, list_tag, child_in_link, pre)
        if keep and builder.open_inline:
            builder.close_tag()
        builder.add_text(child.tail, in_link)


# A link holding this much text in several paragraphs is a whole article wrapped in one <a>
# (a card-style page), not a link: its paragraphs are not link text.
_WRAPPED_ARTICLE_CHARS = 400


def _wraps_article(link: HtmlElement) -> bool:
    if not len(link):
        return False  # no child elements: a plain link
    if next(islice(link.iter("p", "div", "li", "br"), 1, None), None) is None:
        return False  # fewer than two paragraphs: a card or a button
    return nonspace_len(link.text_content()) >= _WRAPPED_ARTICLE_CHARS


def _opening(element: HtmlElement) -> str:
    if element.tag == "a":
        href = element.get("href")
        if href:
            return f'<a href="{html.escape(href.strip(), quote=True)}">'
    return f"<{element.tag}>"
