"""The visible headline elements of a page: <h1> text with its kicker, and microdata headlines."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

# A kicker (overline, Dachzeile, topline, Spitzmarke) is a short label set above or before
# the headline in its own element, marked by class, id or a data attribute.
KICKER_ATTR = re.compile(
    r"kicker|topline|overline|over-line|eyebrow|dachzeile|spitzmarke|roofline|supertitle|"
    r"super-title|pretitle|pre-title|headline-intro|title-label",
    re.IGNORECASE,
)
# Containers whose <h1> is not the article's headline: breadcrumb trails, navigation, the
# site logo (many templates wrap the logo in an <h1>), teaser lists, dialogs ("Artikel
# merken") and text hidden for screen readers ("기사 상세"). Matched at the start of a
# class/id token (or a schema.org type): "breadcrumb__headline" and
# "https://schema.org/BreadcrumbList" are, "without-sidebar" is no sidebar. Lists are not
# excluded as such: some templates lay out the whole page in <ul><li>.
NOT_HEADLINE_ATTR = re.compile(
    r"(?:^|[\s/])(?:breadcrumb|logo|masthead|site-?title|site-?name|site-?logo|navbar|teaser|related|"
    r"modal|dialog|popup|sr-only|visually-?hidden|screen-?reader|a11y-hidden|is_blind|blind\b)",
    re.IGNORECASE,
)
_NOT_HEADLINE_TAGS = frozenset({"nav", "aside", "footer", "dialog"})
_NON_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "button"})
_KICKER_END = re.compile(r"[:|/–—-]\s*$")
_WS = re.compile(r"\s+")
# Text that opens with one of these attaches to the previous word with no space. “ is left
# out of both: it opens a quote in English and closes one in German.
_NO_SPACE_BEFORE = ":;,.!?)]}»”’"
_NO_SPACE_AFTER = "([{«„‘"
# Attribute values as strings: a scan that creates no element proxies (a third faster here).
_ITEMPROPS = etree.XPath("//@itemprop")
_MAX_KICKER_WORDS = 8


def _normalize(text: str) -> str:
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def _marker(element: HtmlElement) -> str:
    data = " ".join(f"{k}={v}" for k, v in element.attrib.items() if k.startswith("data-"))
    return f"{element.get('class') or ''} {element.get('id') or ''} {data}"


def _text_parts(element: HtmlElement) -> list[tuple[str, bool]]:
    """(text, is_kicker) runs of an element in document order, skipping scripts and icons."""
    parts: list[tuple[str, bool]] = []

    def walk(node: HtmlElement, in_kicker: bool) -> None:
        if node.text:
            parts.append((node.text, in_kicker))
        for child in node:
            tag = child.tag
            if isinstance(tag, str) and tag not in _NON_TEXT:
                walk(child, in_kicker or bool(KICKER_ATTR.search(_marker(child))))
            if child.tail:
                parts.append((child.tail, in_kicker))

    walk(element, False)
    return parts


def join_text(runs: list[str]) -> str:
    """Join an element's text nodes the way a browser lays them out.

    Sibling spans usually carry no whitespace between them ("<span>Kicker</span><span>
    Headline</span>"), so runs are joined with a space, but not before punctuation that a
    hidden separator span supplies (": ") and not inside brackets or quotes.
    """
    out = ""
    for run in runs:
        text = _WS.sub(" ", run.replace("\u00a0", " "))
        if not text.strip():
            if out and not out.endswith(" "):
                out += " "
            continue
        if text.strip() == ":":
            # A hidden ": " span between kicker and headline sticks to the kicker.
            out = out.rstrip()
            text = text.strip() + " "
        elif (
            out
            and not out.endswith(" ")
            and not text.startswith(" ")
            and text[0] not in _NO_SPACE_BEFORE
            and out[-1] not in _NO_SPACE_AFTER
        ):
            out += " "
        out += text
    return _WS.sub(" ", out).strip()


def heading_text(element: HtmlElement) -> str:
    """A headline element's text; a marked kicker is joined to the headline with ": "."""
    parts = _text_parts(element)
    kicker = _normalize(" ".join(text for text, is_kicker in parts if is_kicker))
    rest = [text for text, is_kicker in parts if not is_kicker]
    if not kicker or len(kicker.split()) > _MAX_KICKER_WORDS:
        return join_text([text for text, _ in parts])
    headline = join_text(rest)
    if not headline:
        return kicker
    if _KICKER_END.search(kicker) or headline[0] in ":|/–—-":
        # The page prints its own separator ("Kicker |", a hidden ": " span): keep it.
        return join_text([kicker, headline])
    return f"{kicker}: {headline}"


def _is_not_headline(element: HtmlElement) -> bool:
    """An <h1> inside a breadcrumb, navigation, the logo or a teaser list."""
    node: HtmlElement | None = element
    depth = 0
    while node is not None and depth < 6 and node.tag not in ("body", "html"):
        if node.tag in _NOT_HEADLINE_TAGS:
            return True
        attrs = f"{node.get('class') or ''} {node.get('id') or ''} {node.get('itemtype') or ''}"
        if attrs.strip() and NOT_HEADLINE_ATTR.search(attrs):
            return True
        node = node.getparent()
        depth += 1
    return False


def headings(tree: HtmlElement) -> list[str]:
    """Texts of the page's <h1> elements: article/main ones first, breadcrumb and logo h1s last."""
    ranked: list[tuple[int, int, str]] = []
    for index, h1 in enumerate(tree.iter("h1")):
        text = heading_text(h1)
        if not text or len(text) > 400:
            continue
        in_article = any(a.tag in ("article", "main") for a in h1.iterancestors())
        rank = 2 * _is_not_headline(h1) + (not in_article)
        ranked.append((rank, index, text))
    return [text for _, _, text in sorted(ranked)]


def microdata_headline(tree: HtmlElement) -> str | None:
    """The first visible element marked itemprop="headline" (schema.org microdata)."""
    for value in _ITEMPROPS(tree):
        if "headline" not in value.lower().split():
            continue
        element = value.getparent()
        if element.tag in ("meta", "link") or _is_not_headline(element):
            continue
        text = heading_text(element)
        if 3 <= len(text) <= 400:
            return text
    return None
