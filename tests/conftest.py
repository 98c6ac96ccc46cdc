"""Shared fixtures: the database (tests/plugins/db.py) and the local fixture web (tests/plugins/web.py)."""

pytest_plugins = ["tests.plugins.db", "tests.plugins.web"]
