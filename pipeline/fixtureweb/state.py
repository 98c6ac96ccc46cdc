"""Mutable state of one running fixture web: the content version and one-shot errors."""

from __future__ import annotations

import threading


class WebState:
    """Thread-safe: the server answers requests from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = 0
        self._spent: set[str] = set()

    @property
    def version(self) -> int:
        with self._lock:
            return self._version

    def advance(self) -> int:
        with self._lock:
            self._version += 1
            return self._version

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is asked for since the last reset (500-once, 429-once)."""
        with self._lock:
            if key in self._spent:
                return False
            self._spent.add(key)
            return True

    def reset(self) -> None:
        with self._lock:
            self._version = 0
            self._spent.clear()
