"""What the field choosers read from one page: meta tags, JSON-LD articles, text lines."""

from __future__ import annotations

from functools import cached_property

from lxml.html import HtmlElement

from . import jsonld, meta, pagetext
from .dates import DateContext


class PageSources:
    """Everything read from the page once, shared by the field choosers.

    The page's text lines cost more than all other sources together, so they are built
    only when a field falls through to them (most pages with JSON-LD never need them).
    """

    def __init__(self, tree: HtmlElement, url: str | None, context: DateContext) -> None:
        self.tree = tree
        self.url = url
        self.context = context
        self.meta = meta.read_meta(tree)
        self.articles = jsonld.find_articles(jsonld.load_scripts(tree))

    @cached_property
    def text(self) -> pagetext.PageText:
        return pagetext.page_text(self.tree)

    @property
    def has_text(self) -> bool:
        return "text" in self.__dict__  # cached_property stores its value on the instance

    @cached_property
    def header(self) -> list[str]:
        return pagetext.header_lines(self.text)
