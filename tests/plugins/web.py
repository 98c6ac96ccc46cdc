"""Fixture-web fixtures: the bundled news sites served on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pipeline.fixtureweb import FixtureWeb, serve
from pipeline.fixtureweb.manifest import Manifest, build_manifest

# The fixture web, the bench sites and every test server listen on loopback, which the fetch
# guard refuses by default. Set before any crawl subprocess copies the environment; a test
# of the guard itself passes its own, narrower NEWSMILL_ALLOW_PRIVATE setting.
os.environ.setdefault("NEWSMILL_ALLOW_PRIVATE", "127.0.0.0/8,::1")


@pytest.fixture(scope="session")
def fixture_web() -> Iterator[FixtureWeb]:
    """The three fixture sites, started once per test session (each site on its own port)."""
    web = serve()
    try:
        yield web
    finally:
        web.stop()


@pytest.fixture
def fresh_web(fixture_web: FixtureWeb) -> Iterator[FixtureWeb]:
    """The session's fixture web at version 0 with one-shot errors re-armed and an empty log."""
    fixture_web.reset()
    yield fixture_web
    fixture_web.reset()


@pytest.fixture(scope="session")
def web_manifest() -> Manifest:
    """What the fixture web contains (paths, titles, dates, chrome strings, error URLs)."""
    return build_manifest()
