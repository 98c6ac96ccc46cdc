"""URLs spider: a manual run over given article URLs.

``scrapy crawl urls -a urls=URL1,URL2`` or ``-a file=PATH`` (one URL a line, ``#`` comments),
or ``-a source=NAME`` for the source's ``urls`` list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spiders.base import NewsSpider, split_arg


def read_url_file(path: str | Path) -> tuple[str, ...]:
    """URLs listed in a text file: one a line; blank lines and ``#`` comments ignored."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(
        line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


class UrlsMixin:
    def __init__(
        self, *args: Any, urls: str | None = None, file: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.urls_arg = split_arg(urls) + (read_url_file(file) if file else ())

    def adhoc_start_points(self) -> dict[str, tuple[str, ...]]:
        points = super().adhoc_start_points()  # type: ignore[misc]
        if self.urls_arg:
            points["urls"] = self.urls_arg
        return points


class UrlsSpider(UrlsMixin, NewsSpider):
    name = "urls"
    start_kinds = ("urls",)
