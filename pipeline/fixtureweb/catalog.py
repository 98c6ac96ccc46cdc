"""The fixture web's news sites, in serving order (a fixed ``port`` gives site i ``port + i``)."""

from __future__ import annotations

from typing import Protocol

from pipeline.fixtureweb.exchange import Context, Request, Response
from pipeline.fixtureweb.expectations import SiteManifest
from pipeline.fixtureweb.huxin import HuxinSite
from pipeline.fixtureweb.ledger import LedgerSite
from pipeline.fixtureweb.syndicate import SyndicateSite


class NewsSite(Protocol):
    """A site that can also say what a crawl of it must store."""

    name: str

    def handle(self, request: Request, ctx: Context) -> Response: ...

    def manifest(self) -> SiteManifest: ...


def default_sites() -> list[NewsSite]:
    return [LedgerSite(), HuxinSite(), SyndicateSite()]
