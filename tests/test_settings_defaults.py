"""One place for each default: components read settings without fallbacks (issue 9).

Every default lives in pipeline/settings.py, applied by the Newsmill add-on where that module
is not the project's (tests/test_addon.py). A fallback at a call site is a second copy that
drifts; a setting read without a default in settings.py would silently read as 0 or None.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pipeline.addon import newsmill_defaults

REPO = Path(__file__).resolve().parent.parent

_GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getwithbase"}


def _settings_reads(root: Path) -> list[tuple[str, int, str, bool]]:
    """(file, line, setting name, has a fallback) for each ``settings.get*("NAME"…)`` in ``root``.

    A fallback is a second argument, or a value in an ``or`` after the read that is neither
    None nor another setting (``STORE_ENABLED or INCREMENTAL`` is logic, not a default).
    """
    reads = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        followed = set()  # reads with an `or <something>` after them
        for node in ast.walk(tree):
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
                for index, value in enumerate(node.values[:-1]):
                    rest = node.values[index + 1 :]
                    if any(_is_default(v) for v in rest):
                        followed.add(id(value))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _GETTERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and re.fullmatch(r"[A-Z][A-Z0-9_]+", node.args[0].value)
                and _reads_settings(node.func.value)
            ):
                fallback = len(node.args) > 1 or id(node) in followed
                reads.append(
                    (str(path.relative_to(REPO)), node.lineno, node.args[0].value, fallback)
                )
    return reads


def _is_default(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant) and value.value is None:
        return False
    return not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and _reads_settings(value.func.value)
    )


def _reads_settings(receiver: ast.expr) -> bool:
    """``settings.get…``, ``crawler.settings.get…``, ``self.settings.get…`` (not dicts or os.environ)."""
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return name == "settings"


def _all_reads() -> list[tuple[str, int, str, bool]]:
    return [read for package in ("pipeline", "spiders") for read in _settings_reads(REPO / package)]


def test_components_read_settings_without_fallbacks() -> None:
    reads = _all_reads()
    assert len(reads) > 20  # the scan finds the reads it is meant to check
    with_fallback = [f"{file}:{line} {name}" for file, line, name, fallback in reads if fallback]
    assert with_fallback == [], "defaults belong in pipeline/settings.py only"


def test_every_newsmill_setting_a_component_reads_has_its_default_in_settings_py() -> None:
    defaults = newsmill_defaults()
    missing = [
        f"{file}:{line} {name}"
        for file, line, name, _ in _all_reads()
        if name.startswith("NEWSMILL_") and name not in defaults
    ]
    assert missing == []
