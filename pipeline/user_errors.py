"""Errors whose message is meant for the user; the CLI prints them without a traceback.

No Scrapy import here: extraction (worker processes, `newsmill extract`) and source loading
need these without paying for Scrapy's import.
"""

from __future__ import annotations


class NewsmillError(Exception):
    """An error with a message meant for the user; the CLI prints it without a traceback."""


class DatabaseUnavailable(NewsmillError):
    """The configured database cannot be reached or used."""


class SourceConfigError(NewsmillError):
    """A sources/*.yaml file is invalid; the message names the file and field."""
