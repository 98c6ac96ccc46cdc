"""Text PostgreSQL accepts: no NUL characters, no lone UTF-16 surrogates, in any field.

A page (its JSON-LD, a header) can carry either, and PostgreSQL refuses the whole row: text
cannot hold NUL, and a lone surrogate cannot be encoded as UTF-8 at all. Repairing before
the database (and before the spool, whose JSON lines must be UTF-8 too) keeps such a page
instead of dropping it.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

_SURROGATE = re.compile("[\ud800-\udfff]")

T = TypeVar("T")


def repair_text(value: str) -> str:
    """``value`` without NULs, a surrogate pair joined, a lone surrogate as U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def repaired(value: T) -> T:
    """``value`` (text, or lists, tuples, dicts and dataclasses of it) with every text repaired.

    Returns the very same object when nothing needed repair, so the common case costs a scan.
    """
    return _repair(value)  # type: ignore[no-any-return]


def _repair(value: Any) -> Any:
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, (list, tuple)):
        items = [_repair(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = [(_repair(key), _repair(item)) for key, item in value.items()]
        same = zip(pairs, value.items(), strict=True)
        if all(key is old_key and item is old for (key, item), (old_key, old) in same):
            return value
        return dict(pairs)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            old = getattr(value, f.name)
            new = _repair(old)
            if new is not old:
                changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value
