"""A local news web (three sites, errors, a bench site) for the demo, tests and benchmarks."""

from pipeline.fixtureweb.manifest import Manifest, build_manifest
from pipeline.fixtureweb.server import FixtureWeb, RequestRecord, serve

__all__ = ["FixtureWeb", "Manifest", "RequestRecord", "build_manifest", "serve"]
