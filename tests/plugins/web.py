"""Fixture-web fixtures: the bundled news sites served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.fixtureweb import FixtureWeb, serve
from pipeline.fixtureweb.manifest import Manifest, build_manifest


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
