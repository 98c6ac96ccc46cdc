"""Where the database is: one answer for the store stage, the crawl state, run records and the CLI.

Articles, crawl state and runs in two different databases would lose articles (a page
remembered as stored in one, missing from the other), so every caller asks
``database_target(settings)`` and nothing else reads DATABASE_URL or NEWSMILL_HOME.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.db.embedded import newsmill_home
from pipeline.db.session import (
    current_revision,
    describe_url,
    head_revision,
    normalize_url,
    upgrade,
)

SPOOL_DIR = "spool"


class _Settings(Protocol):
    def get(self, name: str, default: object = None) -> object: ...


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """An external PostgreSQL (``url``) or the embedded server in ``home``; the spool is in ``home``."""

    url: str | None  # normalized; None: the embedded server
    home: Path  # NEWSMILL_HOME

    @property
    def spool_dir(self) -> Path:
        # Spooled articles stay beside the database they are meant for, whichever it is.
        return self.home / SPOOL_DIR

    @property
    def embedded(self) -> bool:
        return self.url is None

    def connect_url(self) -> str:
        """The URL to connect to; the embedded server is started (or reused) and migrated."""
        if self.url is not None:
            return self.url
        from pipeline.db.embedded import start_embedded

        url = start_embedded(self.home)
        if current_revision(url) != head_revision():  # the usual case costs one small query
            upgrade(url)
        return url

    def describe(self) -> str:
        if self.url is not None:
            return describe_url(self.url)
        return f"embedded PostgreSQL in {self.home}"


def target_from(url: str | None, home: str | Path | None) -> DatabaseTarget:
    """The environment's DATABASE_URL wins over ``url``; no URL means the embedded server."""
    chosen = os.environ.get("DATABASE_URL") or url or None
    return DatabaseTarget(normalize_url(chosen) if chosen else None, newsmill_home(home))


def database_target(settings: _Settings) -> DatabaseTarget:
    """The database and spool a crawl (or a command) run with these Scrapy settings uses."""
    url = settings.get("NEWSMILL_DATABASE_URL")
    home = settings.get("NEWSMILL_HOME")
    return target_from(str(url) if url else None, str(home) if home else None)


def resolve_database_url(settings_url: str | None = None, *, home: str | None = None) -> str:
    """DATABASE_URL from the environment, else ``settings_url``, else the embedded server's."""
    return target_from(settings_url, home).connect_url()
