"""Requests and responses of the fixture web, and the HTTP rules its sites share (ETag, 304)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Protocol

from pipeline.fixtureweb.state import WebState


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str  # without the query string
    query: Mapping[str, str]  # first value of each parameter
    target: str  # path and query as sent
    headers: Mapping[str, str]  # lower-cased names


@dataclass(frozen=True, slots=True)
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds to wait before answering (the slow page)
    # A body too big to hold (the oversized page): a length and a chunk generator.
    stream_length: int = 0
    stream: Callable[[], Iterator[bytes]] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Context:
    """What a site sees of the web it is served in: every site's base URL and shared state."""

    bases: Mapping[str, str]
    state: WebState
    slow_seconds: float

    def url(self, site: str, path: str) -> str:
        return self.bases[site] + path


class Site(Protocol):
    @property
    def name(self) -> str: ...  # read-only, so frozen dataclasses are Sites

    def handle(self, request: Request, ctx: Context) -> Response: ...


def text_response(
    body: str, content_type: str, *, encoding: str = "utf-8", status: int = 200
) -> Response:
    return Response(status=status, body=body.encode(encoding), content_type=content_type)


def not_found(message: str = "Not Found") -> Response:
    page = f"<!doctype html><html><head><title>{message}</title></head><body><h1>404 {message}</h1></body></html>"
    return text_response(page, "text/html; charset=utf-8", status=404)


def redirect(status: int, location: str) -> Response:
    return Response(status=status, body=b"", content_type=None, headers=(("Location", location),))


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def conditional(
    request: Request, body: bytes, content_type: str, last_modified: datetime
) -> Response:
    """A page with validators; 304 when the client's copy is current.

    If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
    """
    etag = etag_for(body)
    validators = (("ETag", etag), ("Last-Modified", http_date(last_modified)))
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        if etag in tags or "*" in tags:
            return Response(status=304, content_type=None, headers=validators)
    else:
        since = _parse_http_date(request.headers.get("if-modified-since"))
        if since is not None and last_modified.replace(microsecond=0) <= since:
            return Response(status=304, content_type=None, headers=validators)
    return Response(status=200, body=body, content_type=content_type, headers=validators)


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
