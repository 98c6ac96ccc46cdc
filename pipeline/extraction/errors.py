"""Why a page cannot be turned into an article."""

from __future__ import annotations


class ExtractionError(Exception):
    """The page cannot be handled (not HTML, empty, undecodable); the message says why."""


class NotHtmlError(ExtractionError):
    """The bytes are a PDF, an image, an archive or other binary data, not an HTML page."""


class EmptyDocumentError(ExtractionError):
    """The page has no content to extract from (empty bytes, whitespace, an empty <body>)."""


class UndecodableError(ExtractionError):
    """The bytes decode to mostly replacement characters under every plausible charset."""
