"""Shared test plugins: the database (db.py), the local fixture web (web.py), the crawl harness (crawl.py)."""

from __future__ import annotations

import pytest

# Listed as plugins so pytest rewrites their asserts (the crawl harness asserts on exit codes).
pytest_plugins = ["tests.plugins.db", "tests.plugins.web", "tests.plugins.crawl"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # pytest exits 5 when nothing was collected; make that impossible to mistake for green.
    if session.testscollected == 0:
        session.config.get_terminal_writer().line(
            "ERROR: no tests were collected - the suite is not running", red=True, bold=True
        )
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
