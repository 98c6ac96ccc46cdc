"""Bytes to an lxml tree, refusing what is not HTML and bounding the work on huge pages."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from pipeline.extraction.encoding import decode_html
from pipeline.extraction.errors import EmptyDocumentError, NotHtmlError, UndecodableError

logger = logging.getLogger(__name__)

# Real article pages are far below this; bigger inputs are truncated, not refused, so that a
# bloated page (inline data blobs) still yields its article while the work stays bounded.
DEFAULT_MAX_BYTES = 6_000_000
# Above this many elements the tree is cut (deepest-last content dropped) before extraction.
DEFAULT_MAX_NODES = 150_000
# Deeper elements are flattened into their ancestor's text: the block walker recurses per level.
DEFAULT_MAX_DEPTH = 180

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "ELF binary"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"{\\rtf", "RTF document"),
)
_NON_HTML_TYPES = re.compile(
    r"^\s*(image|audio|video|font)/|^\s*application/(pdf|zip|gzip|octet-stream|x-|vnd\.|msword|json|javascript)",
    re.I,
)
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
_STRIPPED_CONTROLS = bytes([*range(9), 11, 12, *range(14, 32), 127])
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|!--|!doctype)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class ParseLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_nodes: int = DEFAULT_MAX_NODES
    max_depth: int = DEFAULT_MAX_DEPTH


def sniff_not_html(body: bytes, content_type: str | None = None) -> str | None:
    """A description of the binary format when ``body`` is clearly not HTML, else None."""
    head = body[:16].lstrip()
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # Servers label HTML as octet-stream now and then; trust the bytes over the label.
    looks_like_markup = re.search(rb"<(html|head|body|div|p|title|!doctype)\b", body[:4096], re.I)
    if content_type and _NON_HTML_TYPES.search(content_type) and not looks_like_markup:
        return content_type.split(";")[0].strip()
    sample = body[:4096]
    if sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if controls / len(sample) > 0.05:
            return "binary data"
    return None


def parse_html(
    body: bytes,
    content_type: str | None = None,
    limits: ParseLimits | None = None,
    url: str | None = None,
) -> tuple[HtmlElement, str]:
    """Decode and parse ``body``; return (root element, encoding). Raises ExtractionError.

    ``url``'s country domain is one of the language signals charset detection checks against.
    """
    limits = limits or ParseLimits()
    if isinstance(body, str):  # callers should pass bytes; accept text rather than crash
        body = body.encode("utf-8")
    if not body or not body.strip():
        raise EmptyDocumentError("the page is empty")
    kind = sniff_not_html(body, content_type)
    if kind:
        raise NotHtmlError(f"not an HTML page ({kind})")
    if len(body) > limits.max_bytes:
        logger.warning("page of %d bytes truncated to %d", len(body), limits.max_bytes)
        body = body[: limits.max_bytes]
    if not body.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        # Control bytes never occur inside UTF-8, GB18030 or single-byte sequences, so they
        # can go before decoding (lxml refuses them), far faster than a regex on the text.
        body = body.translate(None, _STRIPPED_CONTROLS)
    text, encoding = decode_html(body, content_type, url)
    if text.count("\ufffd") > max(50, len(text) // 5):
        raise UndecodableError(f"the bytes do not decode as text (tried {encoding})")
    text = _XML_DECLARATION.sub("", text, count=1)
    if encoding.startswith(("utf-16", "utf-32")):
        text = _CONTROL.sub("", text)
    if not text.strip():
        raise EmptyDocumentError("the page is empty")
    if not _MARKUP.search(text, 0, 65_536):
        raise NotHtmlError(f"no HTML markup in the page (decoded as {encoding})")
    # huge_tree lifts libxml2's nesting limit (256), which broken pages with hundreds of
    # unclosed <font> tags exceed, losing all text below; _flatten_deep bounds depth instead.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    # One element class for every tag, looked up in C: lxml.html's default per-tag lookup
    # (FormElement, InputElement …) runs Python code for every node we touch.
    parser.set_element_class_lookup(
        lxml.etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise EmptyDocumentError(f"the page has no parsable HTML ({exc})") from exc
    if len(text) > limits.max_nodes * 10:  # fewer bytes than that cannot make too many nodes
        _bound_nodes(root, limits.max_nodes)
    _flatten_deep(root, limits.max_depth)
    return root, encoding


def _bound_nodes(root: HtmlElement, max_nodes: int) -> None:
    """Cut the tree after ``max_nodes`` elements in document order (a pathological page)."""
    cut: list[HtmlElement] = []
    for index, element in enumerate(root.iter()):
        if index >= max_nodes and element.getparent() is not None:
            cut.append(element)
    if not cut:
        return
    logger.warning("page has more than %d elements; ignoring the rest", max_nodes)
    for element in cut:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)


def _flatten_deep(root: HtmlElement, max_depth: int) -> None:
    """Strip the tags (keeping the text) of everything nested deeper than ``max_depth``."""
    # An element at depth ``max_depth`` exists: one child step per level walks each level
    # once (counting every element's ancestors cost ~10x more). The usual case, in C.
    if not root.xpath("boolean(/*" + "/*" * max_depth + ")"):
        return
    stack: list[tuple[HtmlElement, int]] = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth >= max_depth:
            if len(element):
                lxml.etree.strip_tags(element, "*")
            continue
        stack.extend((child, depth + 1) for child in element if isinstance(child.tag, str))
