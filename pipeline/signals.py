"""Newsmill's own Scrapy signals (sent through ``crawler.signals``)."""

from __future__ import annotations

# The store stage wrote one article: handlers get ``result`` (a pipeline.db.writer.WriteResult:
# the record, its outcome, the row id and any near-duplicate original).
article_written = object()
