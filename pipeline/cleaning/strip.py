"""Remove chrome elements from a parsed page (lxml tree), driven by ChromeRules and overrides."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

import lxml.etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipeline.cleaning.chars import cjk_count, nonspace_len
from pipeline.cleaning.rules import DEFAULT_RULES, ChromeRules
from pipeline.sources import ExtractionOverrides

logger = logging.getLogger(__name__)

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"\s+")
_PAYWALLED = re.compile(r"paywall|premium|subscriber|paid|locked|restricted", re.I)
_EMBED = re.compile(r"embed|twitter-tweet|instagram-media|tiktok")
_TOKEN_SPLIT = re.compile(r"[\s_]+")


@dataclass(slots=True)
class StripReport:
    """What strip_chrome removed, counted by rule name (for logs and tests)."""

    removed: Counter[str] = field(default_factory=Counter)


def chrome_class_rule(element: HtmlElement, rules: ChromeRules) -> str | None:
    """The name of the class/id rule that marks this element as chrome, if any."""
    match = _class_match(element, rules)
    return match[0] if match else None


def _class_match(
    element: HtmlElement,
    rules: ChromeRules,
    seen: dict[str, tuple[str, bool] | None] | None = None,
) -> tuple[str, bool] | None:
    """(rule name, strong?) for the first class/id rule matching the element. ``seen`` memoises
    verdicts for one page, where the same class strings repeat hundreds of times."""
    names = f"{element.get('class', '')} {element.get('id', '')}".strip()
    if not names:
        return None
    if seen is None:
        seen = {}
    if names not in seen:
        seen[names] = _names_match(names, rules, seen)
    return seen[names]


def _names_match(
    names: str, rules: ChromeRules, seen: dict[str, tuple[str, bool] | None]
) -> tuple[str, bool] | None:
    lowered = names.lower()
    if _EMBED.search(lowered):
        return None  # an embedded post quoted by the article ("social-media-embed")
    for token in _TOKEN_SPLIT.split(lowered):
        if token in rules.class_tokens:
            return f"class-token:{token}", token in rules.strong_class_rules
    # Substring rules never span a space, so each class name is matched once per page
    # ("article__body" recurs in many class strings).
    for word in lowered.split():
        key = "\x00" + word  # word verdicts share the memo with whole-string verdicts
        if key not in seen:
            name = rules.class_matcher.search(word)
            seen[key] = (f"class:{name}", name in rules.strong_class_rules) if name else None
        if seen[key]:
            return seen[key]
    return None


def _text_len(element: HtmlElement) -> int:
    return nonspace_len(element.text_content())


def _is_hidden(element: HtmlElement) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _select(root: HtmlElement, selectors: tuple[str, ...]) -> list[HtmlElement]:
    found: list[HtmlElement] = []
    for selector in selectors:
        try:
            found.extend(CSSSelector(selector)(root))
        except Exception:  # a bad selector in one source's YAML must not break every page
            logger.warning("ignoring invalid CSS selector %r", selector)
    return found


def _protected_set(root: HtmlElement, keep: list[HtmlElement]) -> set[HtmlElement]:
    """Kept elements, their descendants and their ancestors (removing an ancestor removes them)."""
    protected: set[HtmlElement] = set()
    for element in keep:
        protected.update(element.iter())
        protected.update(element.iterancestors())
    return protected


def strip_chrome(
    root: HtmlElement,
    rules: ChromeRules = DEFAULT_RULES,
    overrides: ExtractionOverrides | None = None,
) -> StripReport:
    """Remove chrome from ``root`` in place: source drop selectors, non-content tags, hidden
    elements, then elements whose class/id names them as chrome (unless they hold most of the
    page's text). Tail text of removed elements is kept."""
    report = StripReport()
    protected = (
        _protected_set(root, _select(root, overrides.keep_selectors)) if overrides else set()
    )

    if overrides and overrides.drop_selectors:
        for element in _select(root, overrides.drop_selectors):
            if element not in protected and element.getparent() is not None:
                element.drop_tree()
                report.removed["source:drop_selectors"] += 1

    # Comments and processing instructions, then non-content tags (iter(*tags) filters in C).
    for element in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(root.iter(*rules.drop_tags)):
        if element in protected or element.getparent() is None:
            continue
        element.drop_tree()
        report.removed[f"tag:{element.tag}"] += 1

    body = root.find("body")
    scope = body if body is not None else root
    total = max(_text_len(scope), 1)
    for element in rules.selector_candidates(scope):
        if element in protected or element.getparent() is None:
            continue
        for selector, matches in rules.compiled_selectors:
            if matches(element):
                if not _holds_article(element, total, rules, strong=selector.strong):
                    element.drop_tree()
                    report.removed[f"selector:{selector.name}"] += 1
                break
    chrome_tags = set(rules.chrome_tags)
    seen: dict[str, tuple[str, bool] | None] = {}
    # Only elements with a class, id, style or hidden flag (or a chrome tag) can match; XPath
    # lists them in document order, in C. When one is removed, the candidates inside it (the
    # next ones in that order) are skipped.
    candidates = rules.class_candidates(scope)
    index = 0
    while index < len(candidates):
        element = candidates[index]
        index += 1
        if element in protected:
            continue
        match = (f"tag:{element.tag}", False) if element.tag in chrome_tags else None
        # Hidden text is menus and templates, except article text shipped hidden (paywalled,
        # or streamed in and swapped visible by script): kept unless it repeats visible text.
        hidden = _is_hidden(element)
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if hidden and (
            not (_PAYWALLED.search(names) or _hidden_article(element, total, rules))
            or _duplicated(element, scope)
        ):
            rule = "hidden"
        else:
            match = (
                match
                or _class_match(element, rules, seen)
                or (("hidden", False) if hidden else None)
            )
            if not match or _holds_article(element, total, rules, strong=match[1]):
                continue
            rule = match[0]
        element.drop_tree()
        report.removed[rule] += 1
        index += int(rules.class_candidates_inside(element))
    if report.removed:
        logger.debug("stripped chrome: %s", dict(report.removed))
    return report


def _hidden_article(element: HtmlElement, total: int, rules: ChromeRules) -> bool:
    """Most of the page's text, in prose rather than links: an article shipped hidden and
    swapped in by script (hidden tabs and menus are link lists)."""
    chars = _text_len(element)
    if chars < rules.protect_share * total:
        return False
    link_chars = 0
    for link in element.iter("a"):
        link_chars += nonspace_len(link.text_content())
        if link_chars > 0.35 * chars:
            return False
    return True


def _duplicated(element: HtmlElement, scope: HtmlElement) -> bool:
    """Hidden text that also appears elsewhere on the page (a paywall copy of the article)."""
    text = _WS.sub(" ", element.text_content()).strip()
    probe = text[len(text) // 3 : len(text) // 3 + 80]
    if len(probe) < 40:
        return True
    return _WS.sub(" ", scope.text_content()).count(probe) > 1


def _holds_article(element: HtmlElement, total: int, rules: ChromeRules, *, strong: bool) -> bool:
    raw = element.text_content()
    chars = nonspace_len(raw)
    share = chars / total
    if share >= rules.protect_share:
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}"
    if share >= 0.2 and rules.content_class.search(names):
        return True
    if strong:
        return False
    # Script test on the first 300 non-space characters; ASCII text has no CJK at all.
    cjk = not raw.isascii() and cjk_count("".join(raw.split())[:300], compat=False) > 100
    needed = rules.weak_keep_chars_cjk if cjk else rules.weak_keep_chars
    # Kept when the text outside links reaches ``needed`` and links are at most 35% of it:
    # the link total only grows, so counting stops as soon as either test fails.
    limit = min(0.35 * chars, chars - needed)
    if limit < 0:
        return False
    link_chars = 0
    for link in element.iter("a"):
        link_chars += nonspace_len(link.text_content())
        if link_chars > limit:
            return False
    return True
