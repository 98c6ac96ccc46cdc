"""The fixture web's manifest: what each site contains, built from the same data as its pages."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.fixtureweb.catalog import default_sites
from pipeline.fixtureweb.expectations import (
    DuplicatePair,
    ErrorURL,
    ExpectedArticle,
    SiteManifest,
    as_jsonable,
)

__all__ = [
    "DuplicatePair",
    "ErrorURL",
    "ExpectedArticle",
    "Manifest",
    "SiteManifest",
    "build_manifest",
]


@dataclass(frozen=True, slots=True)
class Manifest:
    sites: Mapping[str, SiteManifest]
    duplicates: tuple[DuplicatePair, ...]

    def site(self, name: str) -> SiteManifest:
        return self.sites[name]

    def articles(self, site: str | None = None) -> list[ExpectedArticle]:
        chosen = [self.sites[site]] if site else list(self.sites.values())
        return [a for s in chosen for a in s.articles]

    def unique_articles(self, sites: Iterable[str] | None = None) -> list[ExpectedArticle]:
        """What a crawl of ``sites`` stores: republished copies fold into their original.

        A copy is left out only when its original's site is crawled too.
        """
        names = set(sites) if sites is not None else set(self.sites)
        return [
            a
            for name in self.sites
            if name in names
            for a in self.sites[name].articles
            if a.duplicate_of is None or a.duplicate_of[0] not in names
        ]

    def errors(self, site: str | None = None) -> list[ErrorURL]:
        chosen = [self.sites[site]] if site else list(self.sites.values())
        return [e for s in chosen for e in s.errors]

    def to_json(self) -> str:
        return json.dumps(as_jsonable(self), ensure_ascii=False, indent=2)


def build_manifest() -> Manifest:
    """The manifest of the default fixture web (``serve()`` with no ``sites``)."""
    site_manifests = {site.name: site.manifest() for site in default_sites()}
    duplicates: list[DuplicatePair] = []
    for manifest in site_manifests.values():
        redirects = {e.path for e in manifest.errors if e.kind == "redirect"}
        for article in manifest.articles:
            for other in article.other_paths:
                kind = "redirect" if other in redirects else "url"
                duplicates.append(
                    DuplicatePair(kind, (manifest.name, article.path), (manifest.name, other))
                )
            if article.duplicate_of:
                duplicates.append(
                    DuplicatePair("content", article.duplicate_of, (manifest.name, article.path))
                )
            if article.near_duplicate_of:
                duplicates.append(
                    DuplicatePair("near", article.near_duplicate_of, (manifest.name, article.path))
                )
    return Manifest(sites=site_manifests, duplicates=tuple(duplicates))
