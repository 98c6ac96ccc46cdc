"""The fixture web's sites, in serving order (a fixed ``port`` gives site i ``port + i``)."""

from __future__ import annotations

from pipeline.fixtureweb.exchange import Site
from pipeline.fixtureweb.ledger import LedgerSite


def default_sites() -> list[Site]:
    return [LedgerSite()]
