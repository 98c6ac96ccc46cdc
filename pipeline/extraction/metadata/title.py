"""The headline: agreement between JSON-LD, OpenGraph and <h1>, with site names stripped."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from pipeline.cleaning.chars import HAN

# Separators that join a headline to a site name ("Headline | CBC News", "标题_新浪网").
SEPARATORS = re.compile(
    r"\s+[|–—·•»:]\s+|\s+-{1,2}(?:\s+|$)|\s*[_｜|]\s*|\s+::\s+|--|\s+/\s+"
    # "标题-搜狐财经": Chinese titles glue a bare hyphen between headline and portal.
    rf"|(?<=[{HAN}”」）)])-(?=[{HAN}])"
)
_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def _key(text: str) -> str:
    """Comparison key: case, accents, punctuation and spaces ignored ("Seznam Zprávy" ~ seznamzpravy)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\W_]+", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


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


_SITE_PART_SLACK = 12  # characters of a site part beyond the site's name ("… Toronto", "… Online")
_BY_PART = re.compile(r"^(?:by|von|por|par)\s+\S+", re.IGNORECASE)


def _is_site_part(part: str, sites: set[str]) -> bool:
    key = _key(part)
    if not key or _BY_PART.match(part.strip()):
        return True
    # A part containing the site's name is the site ("CBC News Toronto") only while it is
    # little more than that name: "The Guardian view on Hong Kong: …" is a headline.
    return any(
        key == site
        or (len(site) >= 4 and site in key and len(key) <= len(site) + _SITE_PART_SLACK)
        or (len(key) >= 4 and key in site)
        for site in sites
    )


# Chinese portal titles: "标题_新浪房产_新浪网", "标题--时政--人民网", "千龙网--汽车--标题".
_CJK_TITLE = re.compile(f"[{HAN}]")
_PORTAL_PART = re.compile(r"(?:网|报|台|频道|在线|论坛|社区|博客|新闻|资讯|中心|首页|官网)$")


def _is_portal_part(part: str, headline: str) -> bool:
    """A short trailing/leading part of a Chinese title that names a channel or site."""
    part = part.strip()
    return bool(_CJK_TITLE.search(headline)) and (
        _PORTAL_PART.search(part) is not None or (len(part) <= 6 and len(headline) >= 12)
    )


def _is_channel_part(part: str, headline: str) -> bool:
    """A channel or site label of a Chinese title: a few characters, shorter than the headline."""
    part = part.strip()
    return bool(_CJK_TITLE.search(headline)) and 0 < len(part) <= 6 and len(part) < len(headline)


def strip_site_name(title: str, sites: set[str]) -> str:
    """Drop leading/trailing separator-delimited parts that name the site."""
    title = normalize(title)
    parts = SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    separators = SEPARATORS.findall(title)
    # Trailing parts first (the common case), then leading ones.
    headline = max(parts, key=len)
    popped_trailing = False
    while len(parts) > 1 and (
        _is_site_part(parts[-1], sites)
        or _is_portal_part(parts[-1], headline)
        # "标题_政情_沪信网": once the site is gone, a short part before it is its channel,
        # and a short last part of three or more ("标题|政情|上观") sits where the site does.
        or ((popped_trailing or len(parts) >= 3) and _is_channel_part(parts[-1], headline))
    ):
        parts.pop()
        separators.pop()
        popped_trailing = True
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
    ("Kicker: Headline", straight quotes) while generated JSON-LD carries HTML entities."""
    return next((m for m in metas if _key(m) == _key(chosen)), chosen)


# An HTML entity inside a JSON string: the headline was escaped for HTML by a template, so
# its spelling ("Kicker - Headline", &quot;…&quot;) is the template's, not the editor's.
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)


def _generated(jsonld_headline: str) -> bool:
    """Whether a JSON-LD headline shows signs of being generated (HTML entities in JSON).

    A clean JSON-LD headline keeps its own spelling: where it and og:title differ only in
    punctuation (curly against straight quotes, quotes added for display), fundus sides
    with JSON-LD on both such pages; on the three with entities, with og:title.
    """
    return bool(_ENTITY.search(jsonld_headline))


# Between a kicker and the headline: "Kicker: Headline", "Kicker / Headline", "Kicker – Headline".
# A pipe or a chevron joins a section or site name, not a kicker ("Sport | Headline").
_KICKER_SEPARATOR = re.compile(r"(?<=\S):\s+|\s+[/–—-]\s+")
_MAX_KICKER_WORDS = 8


def differ_by_kicker(first: str, second: str) -> bool:
    """True when one title is the other with a leading kicker ("Neue Leipziger Schule: …")."""
    longer, shorter = (first, second) if len(first) >= len(second) else (second, first)
    target = _key(shorter)
    if len(target) < 8:
        return False
    for match in _KICKER_SEPARATOR.finditer(longer):
        kicker = longer[: match.start()]
        if 1 <= len(kicker.split()) <= _MAX_KICKER_WORDS and _key(longer[match.end() :]) == target:
            return True
    return False


def _usable(cleaned: str, sites: set[str]) -> bool:
    # Empty, or only the site's name ("CBC News" as a headline), is no headline.
    return len(_key(cleaned)) >= 3 and _key(cleaned) not in sites


def _arbitrate(
    jsonld: str, og_title: str | None, confirmations: Callable[[], list[str | None]]
) -> str:
    """JSON-LD against og:title when both name a headline and they differ in words.

    Two signals move the choice to og:title. (1) The two agree on the headline and differ
    only by a kicker: the JSON-LD is then usually generated from the CMS's kicker and
    headline fields, while og:title is the form the editor chose to publish (on fundus,
    og:title is the reference on all 4 such pages, with the kicker or without; a fifth
    joins a section with a pipe, which is not a kicker, and JSON-LD is right there).
    (2) A second marked-up statement of the headline (a visible itemprop="headline"
    element, the JSON-LD node's own ``name``) spells og:title: two of the publisher's
    statements against one (3 fundus pages, none against).
    """
    if not og_title or _key(og_title) == _key(jsonld):
        return jsonld
    if differ_by_kicker(jsonld, og_title):
        return og_title
    og_key, jsonld_key = _key(og_title), _key(jsonld)
    keys = {_key(c) for c in confirmations() if c}
    if og_key in keys and jsonld_key not in keys:
        return og_title
    return jsonld


def _without_site_heading(page_title: str, h1: str) -> str | None:
    """The <title> without the <h1> when the <h1> is only the site's logo at its edge.

    Old portal pages put the site's name in the one <h1> and title the page "Headline
    Site" ("土豆不“土” 土豆无“土” 松花江网" over an <h1> "松花江网"): an <h1> shorter than the rest
    of the <title>, at its end, is the site, and the rest is the headline.
    """
    title, name = normalize(page_title), normalize(h1)
    if len(title) - len(name) <= len(name):
        return None
    # Only at the end, where sites sign their titles: an <h1> opening the <title> is the
    # headline and the rest the site ("Dare to Play 3 / October pack – Vortex Cannon …").
    if not title.endswith(name):
        return None
    rest = title[: -len(name)]
    rest = rest.strip(" -_|｜·:：»/")
    return rest if len(_key(rest)) > len(_key(name)) else None


def choose_title(
    *,
    jsonld_headline: str | None,
    meta_titles: list[str],
    html_title: str | None,
    h1s: list[str],
    sites: set[str],
    og_title: str | None = None,
    jsonld_name: str | None = None,
    marked_headline: Callable[[], str | None] | None = None,
) -> str | None:
    """The headline: JSON-LD, then OpenGraph/Twitter, then an <h1> the <title> confirms.

    Measured on the fundus pages, the publisher's JSON-LD headline is the headline about as
    often as og:title (where they disagree in words, 24 pages go to JSON-LD and 22 to
    og:title), and both beat the <h1> and the SEO <title>. JSON-LD is the default; og:title
    (also one of ``meta_titles``) wins only on the signals in ``_arbitrate``.
    ``jsonld_name`` is the ``name`` of the JSON-LD node that gave the headline, and
    ``marked_headline`` finds the text of a visible itemprop="headline" element: it is
    called only when JSON-LD and og:title disagree, since it searches the whole tree.
    """
    others = {_key(t) for t in [*meta_titles, *h1s] if t}
    metas = [strip_site_name(html.unescape(t), sites) for t in meta_titles]
    usable_metas = [m for m in metas if _usable(m, sites)]
    jsonld = strip_site_name(html.unescape(jsonld_headline), sites) if jsonld_headline else None
    if jsonld and _usable(jsonld, sites):
        og = strip_site_name(html.unescape(og_title), sites) if og_title else None
        og = og if og and _usable(og, sites) else None
        ordered = [
            _arbitrate(
                jsonld,
                og,
                lambda: [jsonld_name, marked_headline() if marked_headline else None],
            )
        ]
    else:
        ordered = usable_metas
    for cleaned in ordered:
        if cleaned.endswith(("…", "...")):
            # A headline cut for search snippets: another source has it whole.
            stem = _key(cleaned.rstrip(".… "))
            whole = next(
                (t for t in [*metas, *h1s] if _key(t).startswith(stem) and _key(t) != stem), None
            )
            if whole:
                return whole
        if cleaned == jsonld and not _generated(jsonld_headline or ""):
            return _agreed_prefix(cleaned, others)
        return _agreed_prefix(_best_spelling(cleaned, metas), others)
    page_title = strip_site_name(html_title, sites) if html_title else None
    if page_title:
        title_key = _key(html_title or "")
        for h1 in h1s:
            key = _key(h1)
            if len(key) >= 4 and key in title_key:
                headline = _without_site_heading(page_title, h1)
                if headline is not None:
                    return headline
                # The <title> spells the same headline, usually with its punctuation intact.
                return page_title if _key(page_title) == key else h1
        return page_title
    return h1s[0] if h1s else None
