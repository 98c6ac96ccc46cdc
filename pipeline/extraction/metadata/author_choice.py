"""Which source's author names an article gets: JSON-LD, meta tags, then the page's own text.

Sources are read strongest first and the first that names a person wins; names that are
the site itself (its name, publisher or host) are set aside and used only when no source
names anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from pipeline.cleaning.chars import HAN

from . import bylines, elements, meta
from .authors import dedupe, looks_like_organisation, looks_like_url, split_names
from .page import PageSources

_LIST_SEPARATOR = re.compile(r"[,，、;；]")
_SUFFIX_SEPARATOR = re.compile(r"\.\s+|\s+[|–—-]\s+|\s*,\s*")
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne"})
_DOMAIN = re.compile(r"\w\.(?:com|net|org|de|co|uk|at|ch|fr|es|it)\b", re.IGNORECASE)
_HAN_START = re.compile(f"[{HAN}]{{2}}")
_FIRST_PAGE_SOURCE = 2  # _author_sources yields JSON-LD and meta first, then page elements


def choose_authors(page: PageSources, site_name: str | None) -> list[str]:
    """The first source that names people; the site itself only when no source names a person.

    A name equal to the site, its publisher or its host counts as the site wherever it
    appears; other organisations (agencies such as dpa or AP) are real credits. When the
    page's rel=author links list the chosen names plus others (a JSON-LD list cut to one),
    the longer list wins.
    """
    orgs_known = {name_key(n) for n in (site_name, *(a.publisher for a in page.articles)) if n}
    orgs_known |= {
        name_key(name)
        for key in meta.PUBLISHER_KEYS
        for value in page.meta.all(key)
        if not looks_like_url(value)
        for name in _LIST_SEPARATOR.split(value)
        if name.strip()
    }
    host_keys = {name_key(label) for label in host_labels(page.url)} if page.url else set()
    orgs_known |= host_keys
    typed_orgs = {name_key(p.name) for a in page.articles for p in a.authors if p.is_organization}
    organisations: list[str] = []
    agencies: list[str] = []
    chosen: list[str] = []
    for index, names in enumerate(_author_sources(page)):
        names = [_without_org_suffix(n, orgs_known) for n in names]
        people = [
            n for n in names if name_key(n) not in orgs_known and not looks_like_organisation(n)
        ]
        if index >= _FIRST_PAGE_SOURCE:
            if agencies:
                break
            # In page text, "MDR THÜRINGEN" next to a writer is the site's desk, not a person.
            people = [n for n in people if not any(name_key(w) in host_keys for w in n.split())]
        if people and index == 0 and all(name_key(n) in typed_orgs for n in people):
            # JSON-LD credits only an agency: a person in the meta tags wins, page text does not
            # (its author elements are too often teasers to overrule structured data).
            agencies = people
            continue
        if people:
            chosen = dedupe(_without_site_domains(people))
            break
        if names and not organisations:
            organisations = names
    if agencies and not chosen:
        chosen = dedupe(agencies)
    if not chosen and organisations:
        # The publisher credits only itself: a bold name opening or closing the text is
        # the writer's signature (read only here, where the page is known to have an author).
        chosen = elements.signature_names(page.tree)
    if not chosen:
        return dedupe(organisations)
    chosen_keys = {name_key(n) for n in chosen}
    linked = _split_all(page.meta.author_links[:6])
    if chosen_keys < {name_key(n) for n in linked}:
        return dedupe(linked)
    return chosen


def _without_org_suffix(name: str, orgs_known: set[str]) -> str:
    """'Finian Cunningham. Sputnik International' → 'Finian Cunningham' when the tail is the site."""
    parts = _SUFFIX_SEPARATOR.split(name)
    if len(parts) == 2 and name_key(parts[1]) in orgs_known and name_key(parts[0]):
        return parts[0].strip()
    return name


def host_labels(url: str) -> list[str]:
    """The host and the labels that name the site: edition.cnn.com → cnn, bbc.co.uk → bbc."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    labels = host.split(".")
    names = [host, labels[0]]
    if len(labels) >= 2:
        names.append(labels[-3] if labels[-2] in _SECOND_LEVEL and len(labels) >= 3 else labels[-2])
    return names


def name_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _without_site_domains(names: list[str]) -> list[str]:
    """Drop "Cleveland.com" / "NJ Advance Media for NJ.com" next to a person's name."""
    kept = [n for n in names if not _DOMAIN.search(n)]
    return kept or names


def _split_all(values: tuple[str, ...] | list[str], *, structured: bool = False) -> list[str]:
    return [n for value in values for n in split_names(value, structured=structured)]


def _names_generator(value: str, generator: str | None) -> bool:
    """An author meta left by the site's software: "Discuz! Team" beside generator "Discuz!
    X3.4", "大汉网络" beside "大汉版通" (the vendor's name opens both)."""
    if not generator:
        return False
    if _HAN_START.match(value) and _HAN_START.match(generator):
        return value[:2] == generator[:2]
    value_word, generator_word = value.split()[:1], generator.split()[:1]
    key = name_key(generator_word[0]) if generator_word else ""
    return len(key) >= 3 and bool(value_word) and name_key(value_word[0]) == key


def _author_sources(page: PageSources) -> Iterator[list[str]]:
    """Author names per source, strongest source first, computed lazily."""
    for article in page.articles:
        if article.authors:
            usable = [p.name for p in article.authors if not looks_like_url(p.name)]
            yield _split_all(usable, structured=True)
            break
    host = (urlsplit(page.url).hostname or "").removeprefix("www.") if page.url else ""
    generator = page.meta.first(("generator",))
    meta_values = [
        value
        for key in meta.AUTHOR_KEYS
        for value in page.meta.all(key)
        # "Deutsche Welle (www.dw.com)" names the site, not a writer.
        if value
        and not looks_like_url(value)
        and not value.startswith("@")
        and not (host and host in value.lower())
        and not _names_generator(value, generator)
    ]
    yield _split_all(meta_values[:3], structured=True)
    yield _split_all(page.meta.author_links[:6])
    yield elements.byline_elements(page.tree)
    # With an <h1>, the header starts 5 lines above it: "By …" must come within 15 after it.
    yield bylines.text_byline(page.header, 20 if page.text.headline_index >= 0 else None)
    yield bylines.labelled_author(list(page.text.lines))
    yield bylines.bracketed_byline(page.header)
    yield bylines.posted_by(page.text.lines)
    yield bylines.blog_owner(page.meta.title, page.header)
    yield bylines.closing_credit(page.text.lines)
    yield bylines.standalone_names(page.header)
    yield bylines.editor_names(page.text.lines)
