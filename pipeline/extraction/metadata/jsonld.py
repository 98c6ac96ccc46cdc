"""JSON-LD (schema.org) article data: scripts, @graph, arrays, @id references, nested authors."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "discussionforumposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "advertisertcontentarticle",
        "medicalscholarlyarticle",
        "videoobject",
    }
)
PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage", "medicalwebpage", "aboutpage"})
ORGANIZATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "ngo"})

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class Person:
    """An author as JSON-LD names it; ``is_organization`` when typed as one."""

    name: str
    is_organization: bool = False
    url: str | None = None


@dataclass(frozen=True, slots=True)
class JsonLdArticle:
    headline: str | None = None
    name: str | None = None
    authors: tuple[Person, ...] = ()
    published: str | None = None
    modified: str | None = None
    description: str | None = None
    sections: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    image: str | None = None
    publisher: str | None = None
    language: str | None = None
    url: str | None = None
    is_article: bool = True


def load_scripts(tree: HtmlElement) -> list[Any]:
    """Every parsable ld+json block in page order; broken ones are repaired or skipped."""
    blocks: list[Any] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        data = _loads(raw)
        if data is not None:
            blocks.append(data)
    return blocks


def _loads(raw: str) -> Any:
    if raw.startswith("<!--"):
        raw = raw.removeprefix("<!--").removesuffix("-->")
    if raw.startswith("//<![CDATA["):
        raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>")
    for attempt in (raw, _CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", raw))):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
        except RecursionError:
            # Nested deeper than the interpreter's stack (a hostile or broken page): the
            # block is dropped, the article is not.
            logger.debug("JSON-LD block nested too deep; ignored")
            return None
    logger.debug("unparsable JSON-LD block of %d chars", len(raw))
    return None


def iter_nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Top-level nodes, @graph members and mainEntity children, in document order."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from iter_nodes(item, depth + 1)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from iter_nodes(data["@graph"], depth + 1)
        if "@type" in data:
            yield data
            for key in ("mainEntity", "mainEntityOfPage", "itemListElement"):
                child = data.get(key)
                if isinstance(child, dict | list):
                    yield from iter_nodes(child, depth + 1)


def node_types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


# Values nest a few levels (a list of dicts with a name); deeper ones are not metadata, and
# following them would let a block nested hundreds deep exhaust the stack.
_MAX_VALUE_DEPTH = 6


def _text(value: Any, depth: int = 0) -> str | None:
    """A plain string from a JSON-LD value that may be a list, a dict with @value/name, or a number."""
    if depth > _MAX_VALUE_DEPTH:
        return None
    if isinstance(value, list):
        for item in value:
            text = _text(item, depth + 1)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return _text(
            value.get("@value") or value.get("name") or value.get("url") or value.get("@id"),
            depth + 1,
        )
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _texts(value: Any, depth: int = 0) -> tuple[str, ...]:
    if value is None or depth > _MAX_VALUE_DEPTH:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_texts(item, depth + 1))
        return tuple(out)
    text = _text(value)
    return (text,) if text else ()


def _people(value: Any, ids: dict[str, dict[str, Any]], depth: int = 0) -> list[Person]:
    if value is None or depth > 3:
        return []
    if isinstance(value, list):
        people: list[Person] = []
        for item in value:
            people.extend(_people(item, ids, depth + 1))
        return people
    if isinstance(value, str):
        return [Person(value.strip())] if value.strip() else []
    if not isinstance(value, dict):
        return []
    if "name" not in value and isinstance(value.get("@id"), str) and value["@id"] in ids:
        value = ids[value["@id"]]
    name = value.get("name")
    if isinstance(name, list):
        name = " ".join(str(part) for part in name if isinstance(part, str))
    if isinstance(name, dict):
        name = _text(name)
    if not isinstance(name, str) or not name.strip():
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            name = f"{given} {family}"
        else:
            return []
    url = value.get("url") if isinstance(value.get("url"), str) else None
    is_org = bool(node_types(value) & ORGANIZATION_TYPES)
    return [Person(name.strip(), is_org, url)]


def _image(value: Any, depth: int = 0) -> str | None:
    if depth > _MAX_VALUE_DEPTH:
        return None
    if isinstance(value, list):
        for item in value:
            found = _image(item, depth + 1)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return _text(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return _text(value)


def _keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return _texts(value)


def _article(
    node: dict[str, Any], ids: dict[str, dict[str, Any]], is_article: bool
) -> JsonLdArticle:
    publisher = node.get("publisher")
    if isinstance(publisher, dict) and "name" not in publisher and publisher.get("@id") in ids:
        publisher = ids[publisher["@id"]]
    return JsonLdArticle(
        headline=_text(node.get("headline")),
        name=_text(node.get("name")),
        authors=tuple(_people(node.get("author"), ids) or _people(node.get("creator"), ids)),
        published=_text(
            node.get("datePublished") or node.get("dateCreated") or node.get("uploadDate")
        ),
        modified=_text(node.get("dateModified")),
        description=_text(node.get("description")),
        sections=_texts(node.get("articleSection")),
        keywords=_keywords(node.get("keywords")),
        image=_image(node.get("image") or node.get("thumbnailUrl")),
        publisher=_text(publisher),
        language=_text(node.get("inLanguage")),
        url=_text(node.get("url")) if isinstance(node.get("url"), str) else None,
        is_article=is_article,
    )


def find_articles(blocks: list[Any]) -> list[JsonLdArticle]:
    """Article-typed nodes first (page order), then WebPage nodes as weaker fallbacks."""
    nodes = [node for block in blocks for node in iter_nodes(block)]
    ids = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    articles: list[JsonLdArticle] = []
    pages: list[JsonLdArticle] = []
    for node in nodes:
        kinds = node_types(node)
        if kinds & ARTICLE_TYPES:
            articles.append(_article(node, ids, True))
        elif kinds & PAGE_TYPES:
            pages.append(_article(node, ids, False))
    # Prefer the article that carries the most: some pages emit a bare teaser node first.
    articles.sort(key=lambda a: -(bool(a.headline) + bool(a.published) + bool(a.authors)))
    return articles + pages
