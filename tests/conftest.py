"""Shared fixtures: the database (tests/plugins/db.py) and the local fixture web (tests/plugins/web.py)."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.plugins.db", "tests.plugins.web"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # pytest exits 5 when nothing was collected; make that impossible to mistake for green.
    if session.testscollected == 0:
        session.config.get_terminal_writer().line(
            "ERROR: no tests were collected - the suite is not running", red=True, bold=True
        )
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
