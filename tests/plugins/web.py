"""Fixture-web fixtures: the bundled news sites served on 127.0.0.1."""
