"""Turn the chosen body blocks into the Article's text, sanitized HTML, images and counts."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import nh3
from lxml.html import HtmlElement

from pipeline.cleaning.chars import cjk_count
from pipeline.extraction.blocks import LEAD_PREFIX, Block, normalize_space
from pipeline.items import Image

_WORD = re.compile(r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_NOT_CONTENT_IMAGE = re.compile(
    r"logo|icon|avatar|sprite|spacer|pixel|blank\.|loading|placeholder|lazy\.|1x1|qrcode|erweima|"
    r"share|button|badge|emoji|/ads?/|doubleclick|\.svg(\?|$)",
    re.I,
)
# ASCII bytes that are not word characters (``\w``) become spaces, so that a bytes split counts
# the word runs ``_WORD`` finds, in C; non-ASCII text takes the regex.
_ASCII_WORD_BYTES = (
    bytes(code if chr(code).isalnum() or chr(code) == "_" else 32 for code in range(128))
    + b" " * 128
)
_LAZY_SRC_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-url", "data-actualsrc")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code",
    "table", "thead", "tbody", "tr", "td", "th", "figure", "img", "figcaption", "a",
    "strong", "b", "em", "i", "sub", "sup", "mark", "small", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True, slots=True)
class BodyOutput:
    text: str
    html: str
    images: list[Image]
    lead: str | None
    word_count: int


def word_count(text: str) -> int:
    """Words for spaced scripts plus characters for CJK (which has no spaces)."""
    if text.isascii():
        return len(text.encode("ascii").translate(_ASCII_WORD_BYTES).split())
    return cjk_count(text) + len(_WORD.findall(text))


def web_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None: a ``javascript:`` or ``data:``
    value must never reach a stored URL field."""
    if not url:
        return None
    url = url.strip()
    return url if url[:8].lower().startswith(("http://", "https://")) else None


def image_src(img: HtmlElement, base_url: str | None) -> str | None:
    """The image's real http(s) URL: lazy-loading attributes first, then srcset, then src."""
    candidates = [img.get(attr) for attr in _LAZY_SRC_ATTRS]
    candidates.append(img.get("src"))
    srcset = img.get("srcset") or img.get("data-srcset")
    if srcset:
        first = srcset.split(",")[0].strip().split(" ")[0]
        candidates.append(first)
    for candidate in candidates:
        if not candidate:
            continue
        absolute = web_url(urljoin(base_url, candidate.strip()) if base_url else candidate)
        if absolute:
            return absolute
    return None


def _is_content_image(img: HtmlElement, src: str) -> bool:
    if _NOT_CONTENT_IMAGE.search(src):
        return False
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < 60:
            return False
    return True


def _figure_caption(img: HtmlElement) -> str | None:
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            caption = ancestor.find(".//figcaption")
            if caption is not None:
                text = normalize_space(caption.text_content())
                return text or None
            return None
        if ancestor.tag in ("p", "article", "section", "body"):
            return None
    return None


def _wraps(caption_owner: HtmlElement, img: HtmlElement) -> bool:
    """The caption's wrapper (parent or grandparent) also holds the image."""
    ancestor = caption_owner.getparent()
    for _ in range(2):
        if ancestor is None:
            return False
        if any(node is img for node in ancestor.iter("img")):
            return True
        ancestor = ancestor.getparent()
    return False


def _image_html(image: Image) -> str:
    alt = f' alt="{html.escape(image.alt)}"' if image.alt else ""
    caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
    return f'<figure><img src="{html.escape(image.src)}"{alt}>{caption}</figure>'


def build_output(blocks: list[Block], base_url: str | None) -> BodyOutput:
    paragraphs: list[str] = []
    parts: list[str] = []
    images: list[Image] = []
    used_captions: set[str] = set()
    open_list: str | None = None
    last_image: tuple[HtmlElement, int] | None = None  # the image just emitted, its part index

    for block in blocks:
        if open_list and (block.kind != "li" or block.list_tag != open_list):
            parts.append(f"</{open_list}>")
            open_list = None
        if block.kind == "img":
            assert block.image is not None
            src = image_src(block.image, base_url)
            if not src or not _is_content_image(block.image, src):
                continue
            if any(existing.src == src for existing in images):
                continue
            caption = _figure_caption(block.image)
            alt = normalize_space(block.image.get("alt") or "") or None
            image = Image(src=src, caption=caption, alt=alt)
            images.append(image)
            if caption:
                used_captions.add(caption)
            parts.append(_image_html(image))
            last_image = (block.image, len(parts) - 1)
            continue
        if block.kind == "caption":
            if block.text in used_captions:
                continue
            if last_image and images[-1].caption is None and _wraps(block.owner, last_image[0]):
                # A caption beside the image (not in a <figure>): attach it to the image.
                images[-1] = Image(src=images[-1].src, caption=block.text, alt=images[-1].alt)
                parts[last_image[1]] = _image_html(images[-1])
                used_captions.add(block.text)
                continue
            parts.append(f"<p>{block.html}</p>")
            continue
        last_image = None
        paragraphs.append(block.text)
        if block.kind == "li":
            list_tag = block.list_tag or "ul"
            if open_list != list_tag:
                parts.append(f"<{list_tag}>")
                open_list = list_tag
            parts.append(f"<li>{block.html}</li>")
        elif block.kind.startswith("h"):
            level = max(2, int(block.kind[1]))
            parts.append(f"<h{level}>{block.html}</h{level}>")
        elif block.kind == "quote":
            parts.append(f"<blockquote><p>{block.html}</p></blockquote>")
        elif block.kind == "pre":
            parts.append(f"<pre>{html.escape(block.text, quote=False)}</pre>")
        elif block.kind == "table":
            parts.append(block.html)
        else:
            parts.append(f"<p>{block.html}</p>")
    if open_list:
        parts.append(f"</{open_list}>")

    text = "\n\n".join(paragraphs)
    body_html = sanitize_html("\n".join(parts), base_url)
    return BodyOutput(
        text=text,
        html=body_html,
        images=images,
        lead=_lead(blocks),
        word_count=word_count(text),
    )


def sanitize_html(fragment: str, base_url: str | None) -> str:
    """nh3 with the body allow-list; relative links made absolute first."""
    if base_url:
        fragment = re.sub(
            r'(<a href=")([^"]*)(")',
            lambda m: (
                m.group(1) + html.escape(urljoin(base_url, html.unescape(m.group(2)))) + m.group(3)
            ),
            fragment,
        )
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


def _lead(blocks: list[Block]) -> str | None:
    for block in blocks:
        if block.kind not in ("p", "quote", "li", "td"):
            continue
        match = LEAD_PREFIX.match(block.text)
        if match:
            return block.text[match.end() :].strip() or None
        if block.chars >= 20:
            return block.text
    return None
