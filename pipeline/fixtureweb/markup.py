"""HTML building blocks the fixture sites share: escaping, body markup, templates."""

from __future__ import annotations

import html
from collections.abc import Iterable
from importlib import resources
from string import Template


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def load_template(name: str) -> Template:
    """A ``string.Template`` from ``templates/`` (package data)."""
    source = resources.files("pipeline.fixtureweb").joinpath("templates", name)
    return Template(source.read_text(encoding="utf-8"))


def render_block(block: str) -> str:
    """One block of the stories' tiny markup (see ``Story``) as HTML."""
    if block.startswith("## "):
        return f"<h2>{esc(block[3:])}</h2>"
    if block.startswith("> "):
        return f"<blockquote><p>{esc(block[2:])}</p></blockquote>"
    if block.startswith("- "):
        items = "".join(f"<li>{esc(item.strip())}</li>" for item in block[2:].split("|"))
        return f"<ul>{items}</ul>"
    return f"<p>{esc(block)}</p>"


def block_text(block: str) -> str:
    """The text a reader sees of one block (what extraction should keep)."""
    if block.startswith(("## ", "> ")):
        return block[3:] if block.startswith("## ") else block[2:]
    if block.startswith("- "):
        return "\n".join(item.strip() for item in block[2:].split("|"))
    return block


def join_names(names: Iterable[str], conjunction: str = "and") -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]


def body_text(blocks: Iterable[str]) -> str:
    return "\n\n".join(block_text(b) for b in blocks)
