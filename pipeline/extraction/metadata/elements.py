"""Author and date elements: marked by class/id/itemprop/rel, searched around the headline."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from pipeline.cleaning.chars import cjk_count

from .authors import dedupe, split_names
from .pagetext import COMMENT_HEADING, SKIP_TAGS

BYLINE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:author|authors|byline|by-line|autor|autoren|autorin|auteur|autore|firma|forfatter|"
    r"writer|reporter|verfasser|creator|signature|article-source|journalist|redakteur|kicker-author|"
    r"AuthorName|authorName|byl|"
    # Forum software's post header: Discuz's "authi", phpBB's "postauthor".
    r"authi|postauthor)(?:$|[\s_-]|name|s\b)",
    re.IGNORECASE,
)
# Containers whose author names belong to something else (comments, teasers, bios).
# "respons" must not catch layout classes such as "img-responsive", nor "disqus" a theme's
# "noloaddisqus" on the article itself.
FOREIGN_ATTR = re.compile(
    r"comment|kommentar|\brepl(?:y|ies)|reply|respons(?!ive)|discussion|disqus_thread|guestbook|"
    r"forum-post|user-post|talkback|pinglun|liuyan|"
    # A fact check's "statement-author" and a quote's attribution name who said something.
    r"statement|claim|quote|testimonial|"
    r"related|teaser|recommend|sidebar|footer|newsletter|promo|widget|popular|trending|"
    r"more-from|read-more|readmore|bio\b|author-bio|about-author|profile-desc|avatar|social|share",
    re.IGNORECASE,
)
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_LABEL_TAGS = frozenset({"div", "p", "span", "strong", "b", "dt", "header"})
_MAX_SIBLINGS = 40  # preceding siblings read per level when looking for a comments heading


def _is_foreign(element: HtmlElement) -> bool:
    node: HtmlElement | None = element
    depth = 0
    while node is not None and depth < 12:
        attrs = f"{node.get('class') or ''} {node.get('id') or ''} {node.get('aria-label') or ''}"
        if attrs.strip() and FOREIGN_ATTR.search(attrs):
            return True
        if node.tag in ("footer", "aside", "nav", "blockquote"):
            return True
        if "comment" in (node.get("itemtype") or "").lower():
            return True
        if _after_comment_heading(node):
            return True
        node = node.getparent()
        depth += 1
    return False


def _after_comment_heading(node: HtmlElement) -> bool:
    """Whether a "Comments" / "评论" heading comes before ``node`` among its siblings."""
    for count, sibling in enumerate(node.itersiblings(preceding=True)):
        if count >= _MAX_SIBLINGS:
            break
        if sibling.tag in _HEADING_TAGS:
            text = " ".join(sibling.text_content().split())
        elif sibling.tag in _LABEL_TAGS and len(sibling) <= 2:
            # Chinese templates title the widget with a plain box: <div class="tit">最新评论</div>.
            # Only the box's own and its children's text is read: it stays cheap on big blocks.
            text = " ".join(
                " ".join([sibling.text or "", *(c.text or "" for c in sibling)]).split()
            )
        else:
            continue
        if len(text) <= 40 and COMMENT_HEADING.match(text):
            return True
    return False


# Attribute values as strings: scanning them creates no element proxies, which is what
# makes a Python walk over every element of a large page slow.
_MARKER_ATTRS = etree.XPath(".//@class|.//@id|.//@rel|.//@itemprop")
BYLINE_HINT = re.compile(
    r"author|authi|autor|byl|by-line|auteur|firma|forfatter|writer|reporter|verfasser|creator|"
    r"signature|article-source|journalist|redakteur",
    re.IGNORECASE,
)
DATE_HINT = re.compile(
    r"date|time|publish|posted|datum|fecha|data|zeit|meta|byline|info|pubtime|pub_time",
    re.IGNORECASE,
)


def _marked(scope: HtmlElement, hint: re.Pattern[str]) -> list[HtmlElement]:
    """Elements under ``scope`` with a class/id/rel/itemprop value matching ``hint``, in order."""
    seen: set[HtmlElement] = set()
    found: list[HtmlElement] = []
    # Pages repeat a few class names thousands of times: each distinct value is matched once.
    verdicts: dict[str, bool] = {}
    for value in _MARKER_ATTRS(scope):
        hit = verdicts.get(value)
        if hit is None:
            hit = verdicts[value] = hint.search(value) is not None
        if hit:
            element = value.getparent()
            if element not in seen:
                seen.add(element)
                found.append(element)
    return found


def article_scope(tree: HtmlElement) -> HtmlElement | None:
    """The part of the page around the headline: its <article>/<main>, else a few levels up."""
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return next(tree.iter("article"), None)
    for ancestor in h1.iterancestors():
        if ancestor.tag in ("article", "main"):
            return ancestor
    return _ancestor(h1, 4)


def _is_byline(element: HtmlElement) -> bool:
    tag = element.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS or tag in ("meta", "link", "html", "body"):
        return False
    if (element.get("itemprop") or "").lower() == "author":
        return True
    marker = f"{element.get('class') or ''} {element.get('id') or ''} {element.get('rel') or ''}"
    return marker != "  " and bool(BYLINE_ATTR.search(marker))


def byline_elements(tree: HtmlElement) -> list[str]:
    """Names from elements marked as author/byline (itemprop, rel, class, id).

    Only the innermost marked elements are read (an outer byline box joins its names
    without separators), and only those near the first one: author names further down
    belong to teasers and related articles.
    """
    scope = article_scope(tree)
    names = _byline_names(scope) if scope is not None else []
    return names or _byline_names(tree)


def _byline_names(scope: HtmlElement) -> list[str]:
    matches = [el for el in _marked(scope, BYLINE_HINT) if _is_byline(el) and not _is_foreign(el)]
    inner = set(matches)
    leaves = [el for el in matches if not any(d in inner for d in el.iterdescendants())]
    container: HtmlElement | None = None
    names: list[str] = []
    for element in leaves:
        if container is not None and not _within(element, container):
            continue
        microdata = element.xpath(".//*[@itemprop='name']")
        text = " ".join((microdata[0] if microdata else element).text_content().split())
        if not text or len(text) > 160:
            continue
        found = split_names(text)
        if found:
            names.extend(found)
            if container is None:
                container = _ancestor(element, 4)
    return dedupe(names)


def _ancestor(element: HtmlElement, levels: int) -> HtmlElement:
    node = element
    for _ in range(levels):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return node


def _within(element: HtmlElement, container: HtmlElement) -> bool:
    return any(a is container for a in element.iterancestors())


DATE_ATTR = re.compile(
    r"date|time|publish|posted|datum|fecha|data|zeit|meta|dateline|byline|info|pubtime|pub_time",
    re.IGNORECASE,
)


def dated_elements(tree: HtmlElement) -> list[str]:
    """Short texts of elements whose class/id says they hold a date (.date, .publish-time …)."""
    scope = article_scope(tree)
    texts = _dated_texts(scope) if scope is not None else []
    return texts or _dated_texts(tree)


def _dated_texts(scope: HtmlElement) -> list[str]:
    texts: list[str] = []
    for element in _marked(scope, DATE_HINT):
        marker = f"{element.get('class') or ''} {element.get('id') or ''}"
        if len(marker) < 4 or not DATE_ATTR.search(marker) or _is_foreign(element):
            continue
        text = " ".join(element.text_content().split())
        if 6 <= len(text) <= 100:
            texts.append(text)
            if len(texts) >= 12:
                break
    return texts


_BOLD_TAGS = frozenset({"strong", "b"})
_SIGNATURE_WINDOW = 3  # a signature opens the text within its first paragraphs, or closes it
_PROSE_LENGTH = 80
_MIN_PROSE_PARAGRAPHS = 3


def signature_names(tree: HtmlElement) -> list[str]:
    """Names from a paragraph that is only a bold name, opening or closing the article text.

    Many sites print the writer as "<p><strong>Jane Doe</strong></p>" above the first
    paragraph or right-aligned under the last one, with no byline markup at all. Only Latin
    names of two or more words are read: a one-word bold line is a subheading far more often.
    """
    seen: set[HtmlElement] = set()
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is None or parent in seen:
            continue
        seen.add(parent)
        texts = [
            (p, " ".join(p.text_content().replace("\u00a0", " ").split()))
            for p in parent.iterchildren("p")
        ]
        texts = [(p, text) for p, text in texts if text]
        if sum(len(text) >= _PROSE_LENGTH for _, text in texts) < _MIN_PROSE_PARAGRAPHS:
            continue
        edges = [*texts[:_SIGNATURE_WINDOW], *texts[-1:]]
        for p, text in edges:
            if len(text) <= 60 and _only_bold(p, text) and not _foreign_here(p):
                names = [n for n in split_names(text) if _latin_full_name(n)]
                if names:
                    return dedupe(names)
    return []


def _foreign_here(paragraph: HtmlElement) -> bool:
    """A comment or bio box around the paragraph itself. Unlike ``_is_foreign`` the page's
    outer wrappers are not read: themes name the main column "sidebar-1" or "sticky-sidebar"."""
    for node in (paragraph, paragraph.getparent()):
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}" if node is not None else ""
        if attrs.strip() and FOREIGN_ATTR.search(attrs):
            return True
    return False


def _only_bold(paragraph: HtmlElement, text: str) -> bool:
    children = list(paragraph)
    if len(children) != 1 or children[0].tag not in _BOLD_TAGS:
        return False
    bold = " ".join(children[0].text_content().replace("\u00a0", " ").split())
    return bold == text


_PARTICLES = frozenset(
    {"de", "da", "del", "della", "di", "do", "dos", "du", "van", "von", "der", "den", "le", "la",
     "bin", "ibn", "y", "e"}
)  # fmt: skip
_ARTICLES = frozenset({"the", "a", "an", "der", "die", "das", "le", "la", "les", "el", "il", "los"})


def _latin_full_name(name: str) -> bool:
    """Two to four words, each capitalised but for particles: "Lê Phương", "Ahmed al-Sharaa";
    a bold subheading ("The al-Tanf base") has lower-case words or starts with an article."""
    words = name.split()
    if not 2 <= len(words) <= 4 or cjk_count(name):
        return False
    if words[0].casefold() in _ARTICLES or not words[-1][0].isupper():
        return False
    return all(
        w[0].isupper() or w.casefold() in _PARTICLES or w.startswith(("al-", "el-")) for w in words
    )
