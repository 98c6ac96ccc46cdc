"""The article text that client-rendered pages ship in script data, for when the DOM has none.

A page rendered by script (Next.js and the like) or one that streams its article in later can
carry the whole text only in JSON: schema.org ``articleBody`` in ld+json, or the framework's
page props (``__NEXT_DATA__``, ``application/json`` state blobs). The DOM finder sees an empty
shell there; this module digs the longest prose string out of that JSON instead.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml.html import HtmlElement

# Script data worth keeping for a fallback: JSON that names an article body, or a framework's
# page-props blob (these names are the frameworks' own, the same on every site using them).
_ARTICLE_KEYS = re.compile(r'"(articleBody|body|content|text|html|paragraphs?)"\s*:')
_STATE_IDS = re.compile(r"__NEXT_DATA__|__NUXT_DATA__|__APOLLO_STATE__|__INITIAL_STATE__", re.I)
# Keys whose string values are the article in a framework's props (rendered HTML or text).
_BODY_KEYS = frozenset(
    {"articlebody", "body", "content", "text", "html", "bodyhtml", "contenthtml", "paragraphs"}
)
_MAX_SCRIPT_CHARS = 3_000_000
_MAX_DEPTH = 60  # JSON nested deeper is a hostile or broken blob: its deep part is ignored
_HTML_TAG = re.compile(r"<(p|br|div|h[1-6]|li|blockquote)\b", re.I)
_SENTENCE = re.compile(r"[.!?。！？]")
_CJK_SENTENCE = re.compile(r"[。！？]")


def collect_script_data(root: HtmlElement) -> tuple[str, ...]:
    """Raw JSON of the scripts that may hold the article, read before chrome stripping drops
    every <script>."""
    found: list[str] = []
    for script in root.iter("script"):
        kind = (script.get("type") or "").lower()
        if "json" not in kind:
            continue
        raw = script.text or ""
        if len(raw) > _MAX_SCRIPT_CHARS:
            continue
        if _STATE_IDS.search(script.get("id") or "") or _ARTICLE_KEYS.search(raw):
            found.append(raw)
    return tuple(found)


def _strings(data: Any) -> Iterator[tuple[str, str]]:
    """(key, string value) pairs of a JSON document, depth-bounded, without recursion."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        key, value, depth = stack.pop()
        if isinstance(value, str):
            yield key, value
        elif depth >= _MAX_DEPTH:
            continue
        elif isinstance(value, dict):
            stack.extend((str(k), v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            if value and all(isinstance(item, str) for item in value):
                # A list of paragraph strings is one text.
                yield key, "\n".join(value)
            else:
                stack.extend((key, item, depth + 1) for item in value)


def _prose_chars(text: str) -> int:
    """Characters of a string that reads as prose (sentences), 0 for ids, URLs and code."""
    if len(text) < 200 or text.lstrip().startswith(("http", "{", "[", "data:")):
        return 0
    plain = _HTML_TAG.sub(" ", text) if "<" in text else text
    latin_prose = len(_SENTENCE.findall(plain)) >= 2 and plain.count(" ") >= len(plain) / 40
    # CJK prose has few spaces; it still has sentence marks.
    if not latin_prose and len(_CJK_SENTENCE.findall(plain)) < 2:
        return 0
    return len(plain)


def script_article(raws: tuple[str, ...]) -> HtmlElement | None:
    """The longest article-like string of the pages' script data as an HTML element whose
    paragraphs the block finder can read, or None."""
    best: tuple[int, str] = (0, "")
    for raw in raws:
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # broken, or nested past the parser's recursion limit
        for key, value in _strings(data):
            if key.lower() not in _BODY_KEYS:
                continue
            score = _prose_chars(value)
            if score > best[0]:
                best = (score, value)
    if not best[0]:
        return None
    text = best[1]
    if _HTML_TAG.search(text):
        markup = text
    else:
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        markup = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in paragraphs)
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None
