"""The fixture web's sites, in serving order (a fixed ``port`` gives site i ``port + i``)."""

from __future__ import annotations

from pipeline.fixtureweb.exchange import Site
from pipeline.fixtureweb.huxin import HuxinSite
from pipeline.fixtureweb.ledger import LedgerSite
from pipeline.fixtureweb.syndicate import SyndicateSite


def default_sites() -> list[Site]:
    return [LedgerSite(), HuxinSite(), SyndicateSite()]
