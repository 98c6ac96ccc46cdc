"""The headline: agreement between JSON-LD, OpenGraph and <h1>, with site names stripped."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

from lxml.html import HtmlElement

# Separators that join a headline to a site name ("Headline | CBC News", "标题_新浪网").
SEPARATORS = re.compile(
    r"\s+[|–—·•»:]\s+|\s+-{1,2}(?:\s+|$)|\s*[_｜|]\s*|\s+::\s+|--|\s+/\s+"
    # "标题-搜狐财经": Chinese titles glue a bare hyphen between headline and portal.
    r"|(?<=[\u4e00-\u9fff”」）)])-(?=[\u4e00-\u9fff])"
)
_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def _key(text: str) -> str:
    """Comparison key: case, accents, punctuation and spaces ignored ("Seznam Zprávy" ~ seznamzpravy)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\W_]+", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def headings(tree: HtmlElement) -> list[str]:
    """Texts of <h1> elements, article/main ones first, skipping logo-like ones."""
    inside: list[str] = []
    outside: list[str] = []
    for h1 in tree.iter("h1"):
        # Kicker and headline often sit in sibling spans: join text nodes with a space.
        text = normalize(" ".join(h1.itertext()))
        if not text or len(text) > 400:
            continue
        in_article = any(a.tag in ("article", "main") for a in h1.iterancestors())
        (inside if in_article else outside).append(text)
    return inside + outside


def site_words(site_names: list[str], url: str | None) -> set[str]:
    """Keys of the site's names, its domain and the domain's main label."""
    keys = {_key(name) for name in site_names if name}
    if url:
        host = urlsplit(url).hostname or ""
        host = host.removeprefix("www.")
        if host:
            keys.add(_key(host))
            labels = host.split(".")
            if len(labels) >= 2:
                keys.add(_key(labels[-2]))
    return {k for k in keys if len(k) >= 2}


_BY_PART = re.compile(r"^(?:by|von|por|par)\s+\S+", re.IGNORECASE)


def _is_site_part(part: str, sites: set[str]) -> bool:
    key = _key(part)
    if not key or _BY_PART.match(part.strip()):
        return True
    return any(
        key == site or (len(site) >= 4 and site in key) or (len(key) >= 4 and key in site)
        for site in sites
    )


# Chinese portal titles: "标题_新浪房产_新浪网", "标题--时政--人民网", "千龙网--汽车--标题".
_CJK_TITLE = re.compile(r"[\u4e00-\u9fff]")
_PORTAL_PART = re.compile(r"(?:网|报|台|频道|在线|论坛|社区|博客|新闻|资讯|中心|首页|官网)$")


def _is_portal_part(part: str, headline: str) -> bool:
    """A short trailing/leading part of a Chinese title that names a channel or site."""
    part = part.strip()
    return bool(_CJK_TITLE.search(headline)) and (
        _PORTAL_PART.search(part) is not None or (len(part) <= 6 and len(headline) >= 12)
    )


def strip_site_name(title: str, sites: set[str]) -> str:
    """Drop leading/trailing separator-delimited parts that name the site."""
    title = normalize(title)
    parts = SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    separators = SEPARATORS.findall(title)
    # Trailing parts first (the common case), then leading ones.
    while len(parts) > 1 and (
        _is_site_part(parts[-1], sites) or _is_portal_part(parts[-1], max(parts, key=len))
    ):
        parts.pop()
        separators.pop()
    popped_leading = False
    while len(parts) > 1 and (
        _is_site_part(parts[0], sites)
        # A leading part must name a site ("千龙网--汽车--标题"); the channel after it may not.
        or (
            _is_portal_part(parts[0], max(parts, key=len))
            and (popped_leading or _PORTAL_PART.search(parts[0]) is not None)
        )
    ):
        parts.pop(0)
        separators.pop(0)
        popped_leading = True
    out = parts[0]
    for separator, part in zip(separators, parts[1:], strict=False):
        out += separator + part
    return out.strip()


def _agreed_prefix(title: str, others: set[str]) -> str:
    """'Headline | Sport' → 'Headline' when another source gives just 'Headline'."""
    separators = list(SEPARATORS.finditer(title))
    for match in separators:
        prefix = title[: match.start()].strip()
        if len(_key(prefix)) >= 8 and _key(prefix) in others:
            return prefix
    return title


def _best_spelling(chosen: str, metas: list[str]) -> str:
    """Among sources with the same words, og:title's spelling: editors type it for display
    ("Kicker: Headline", straight quotes) while JSON-LD is often generated ("Kicker -
    Headline", entities). Measured on fundus: +2 pages, -1 where the <h1> spelling won."""
    return next((m for m in metas if _key(m) == _key(chosen)), chosen)


def choose_title(
    *,
    jsonld_headline: str | None,
    meta_titles: list[str],
    html_title: str | None,
    h1s: list[str],
    sites: set[str],
) -> str | None:
    """The headline: JSON-LD, then OpenGraph/Twitter, then an <h1> the <title> confirms.

    Measured on the fundus pages, the publisher's JSON-LD headline is the headline more
    often than og:title, and both beat the <h1> (whose inline spans often lose the
    punctuation between kicker and headline) and the SEO <title>.
    """
    others = {_key(t) for t in [*meta_titles, *h1s] if t}
    metas = [strip_site_name(html.unescape(t), sites) for t in meta_titles]
    for candidate in ([jsonld_headline] if jsonld_headline else []) + meta_titles:
        cleaned = strip_site_name(html.unescape(candidate), sites)
        if len(_key(cleaned)) < 3 or _key(cleaned) in sites:
            continue  # empty, or only the site's name ("CBC News" as a headline)
        if cleaned.endswith(("…", "...")):
            # A headline cut for search snippets: another source has it whole.
            stem = _key(cleaned.rstrip(".… "))
            whole = next(
                (t for t in [*metas, *h1s] if _key(t).startswith(stem) and _key(t) != stem), None
            )
            if whole:
                return whole
        return _agreed_prefix(_best_spelling(cleaned, metas), others)
    page_title = strip_site_name(html_title, sites) if html_title else None
    if page_title:
        title_key = _key(html_title or "")
        for h1 in h1s:
            key = _key(h1)
            if len(key) >= 4 and key in title_key:
                # The <title> spells the same headline, usually with its punctuation intact.
                return page_title if _key(page_title) == key else h1
        return page_title
    return h1s[0] if h1s else None
