"""Non-HTML documents the fixture sites serve: feeds, sitemaps, a PDF, an oversized page."""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    link: str
    guid: str
    published: datetime
    authors: tuple[str, ...]
    summary: str
    updated: datetime | None = None
    category: str | None = None


def rss(
    title: str, link: str, description: str, entries: Sequence[FeedEntry], *, language: str
) -> str:
    items = []
    for entry in entries:
        creators = "".join(f"<dc:creator>{xml_escape(a)}</dc:creator>" for a in entry.authors)
        category = f"<category>{xml_escape(entry.category)}</category>" if entry.category else ""
        items.append(
            "<item>"
            f"<title>{xml_escape(entry.title)}</title>"
            f"<link>{xml_escape(entry.link)}</link>"
            f'<guid isPermaLink="true">{xml_escape(entry.guid)}</guid>'
            f"<pubDate>{format_datetime(entry.published)}</pubDate>"
            f"{creators}{category}"
            f"<description>{xml_escape(entry.summary)}</description>"
            "</item>"
        )
    newest = max((e.published for e in entries), default=None)
    build = f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>" if newest else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>'
        f"<title>{xml_escape(title)}</title><link>{xml_escape(link)}</link>"
        f"<description>{xml_escape(description)}</description><language>{language}</language>{build}\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def atom(title: str, link: str, feed_id: str, entries: Sequence[FeedEntry]) -> str:
    parts = []
    for entry in entries:
        authors = "".join(f"<author><name>{xml_escape(a)}</name></author>" for a in entry.authors)
        updated = entry.updated or entry.published
        parts.append(
            "<entry>"
            f"<title>{xml_escape(entry.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{xml_escape(entry.link)}"/>'
            f"<id>{xml_escape(entry.guid)}</id>"
            f"<published>{entry.published.isoformat()}</published>"
            f"<updated>{updated.isoformat()}</updated>"
            f"{authors}"
            f"<summary>{xml_escape(entry.summary)}</summary>"
            "</entry>"
        )
    newest = max(((e.updated or e.published) for e in entries), default=None)
    feed_updated = f"<updated>{newest.isoformat()}</updated>" if newest else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{xml_escape(title)}</title>"
        f'<link rel="alternate" href="{xml_escape(link)}"/>'
        f"<id>{xml_escape(feed_id)}</id>{feed_updated}\n" + "\n".join(parts) + "\n</feed>\n"
    )


def sitemap_index(locations: Sequence[tuple[str, datetime]]) -> str:
    body = "".join(
        f"<sitemap><loc>{xml_escape(loc)}</loc><lastmod>{mod.isoformat()}</lastmod></sitemap>\n"
        for loc, mod in locations
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</sitemapindex>\n"
    )


def urlset(urls: Sequence[tuple[str, datetime]]) -> str:
    body = "".join(
        f"<url><loc>{xml_escape(loc)}</loc><lastmod>{mod.isoformat()}</lastmod></url>\n"
        for loc, mod in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n"
    )


def news_urlset(urls: Sequence[tuple[str, datetime, str]], publication: str, language: str) -> str:
    """A Google News sitemap: ``(loc, publication date, title)`` per URL."""
    body = "".join(
        "<url>"
        f"<loc>{xml_escape(loc)}</loc>"
        "<news:news><news:publication>"
        f"<news:name>{xml_escape(publication)}</news:name><news:language>{language}</news:language>"
        "</news:publication>"
        f"<news:publication_date>{published.isoformat()}</news:publication_date>"
        f"<news:title>{xml_escape(title)}</news:title>"
        "</news:news></url>\n"
        for loc, published, title in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{body}</urlset>\n"
    )


def gzipped(text: str) -> bytes:
    # mtime=0: the same bytes on every run, so ETags and tests stay stable.
    return gzip.compress(text.encode("utf-8"), mtime=0)


def pdf_document(title: str, line: str) -> bytes:
    """A minimal, valid one-page PDF (correct xref offsets) showing one line of text."""
    content = f"BT /F1 18 Tf 72 720 Td ({title}) Tj 0 -28 Td /F1 11 Tf ({line}) Tj ET".encode(
        "latin-1"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass(frozen=True, slots=True)
class OversizedPage:
    """A big HTML page produced chunk by chunk, never held in memory whole."""

    head: bytes
    row: bytes
    rows: int
    tail: bytes

    @property
    def length(self) -> int:
        return len(self.head) + len(self.row) * self.rows + len(self.tail)

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        batch = 64
        block = self.row * batch
        full, rest = divmod(self.rows, batch)
        for _ in range(full):
            yield block
        yield self.row * rest
        yield self.tail


def oversized_page(title: str, size: int) -> OversizedPage:
    head = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><table class='results'>"
    ).encode()
    row = (
        b"<tr><td>district</td><td>polling station</td><td>ballots cast</td>"
        b"<td>0000000</td><td>valid</td><td>spoilt</td></tr>\n"
    )
    tail = b"</table></body></html>"
    rows = max(1, -(-(size - len(head) - len(tail)) // len(row)))  # at least ``size`` bytes
    return OversizedPage(head, row, rows, tail)
