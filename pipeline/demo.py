"""`newsmill demo`: source definitions for the bundled fixture web, crawled by the source spider."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipeline.fixtureweb.manifest import build_manifest
from pipeline.fixtureweb.server import FixtureWeb


def write_demo_sources(web: FixtureWeb, directory: Path) -> list[str]:
    """Write one sources/*.yaml per fixture site (its ports are only known at run time)."""
    manifest = build_manifest()
    directory.mkdir(parents=True, exist_ok=True)
    names = []
    for name, base in web.sites.items():
        site = manifest.site(name)
        config = {
            "name": name,
            "allowed_domains": [urlsplit(base).netloc],
            "language": site.language,
            "timezone": site.timezone,
            "feeds": [web.url(name, path) for path in site.feeds],
            "sitemaps": [web.url(name, path) for path in site.sitemaps],
            # The home page too: it links the site's error cases, which a demo should show counted.
            "sections": [web.url(name, path) for path in (site.home, *site.sections)],
        }
        (directory / f"{name}.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        names.append(name)
    return names


def demo_settings(web: FixtureWeb) -> dict[str, list[str]]:
    """The fixture web is on 127.0.0.1: allow its ports, and only those, past the fetch guard."""
    return {"NEWSMILL_ALLOW_PRIVATE": web.allow_private}


def demo_jobs(web: FixtureWeb, directory: Path) -> list[tuple[str, dict[str, str]]]:
    """One `source` crawl per fixture site: feeds, sitemaps and section pages together."""
    return [
        ("source", {"name": name, "sources_dir": str(directory)})
        for name in write_demo_sources(web, directory)
    ]
