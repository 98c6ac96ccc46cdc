"""The fixture web's HTTP server: every site on its own 127.0.0.1 port, in daemon threads."""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from pipeline.fixtureweb.exchange import Context, Request, Response, Site
from pipeline.fixtureweb.state import WebState

logger = logging.getLogger(__name__)

# Enough for a long crawl's worth of records without growing without bound.
REQUEST_LOG_LIMIT = 200_000
DEFAULT_SLOW_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class RequestRecord:
    site: str
    method: str
    path: str  # path and query as requested
    status: int
    headers: Mapping[str, str]  # lower-cased request headers


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Scrapy opens many connections at once; the default backlog of 5 drops some of them.
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], web: FixtureWeb, site: Site) -> None:
        super().__init__(address, _Handler)
        self.web = web
        self.site = site


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as real sites do; every response sets Content-Length.
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle on, delayed ACKs hold every
    # keep-alive response ~40 ms (measured: 180 pages/s over 8 connections, CPU idle).
    disable_nagle_algorithm = True
    server: _Server
    server_version = "FixtureWeb/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        web = self.server.web
        site = self.server.site
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            target=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        try:
            response = site.handle(request, web.context)
        except Exception:  # a bug in a site must show as a 500, not a dropped connection
            logger.exception("fixture site %s failed on %s", site.name, self.path)
            response = Response(status=500, body=b"internal error", content_type="text/plain")
        web._record(
            RequestRecord(site.name, self.command, self.path, response.status, request.headers)
        )
        if response.delay:
            time.sleep(response.delay)
        try:
            self._write(response, send_body=send_body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (timeout, size limit): expected for the slow and huge pages.
            self.close_connection = True

    def _write(self, response: Response, *, send_body: bool) -> None:
        self.send_response(response.status)
        length = response.stream_length if response.stream is not None else len(response.body)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if not send_body or response.status == 304:
            return
        if response.stream is not None:
            for chunk in response.stream():
                self.wfile.write(chunk)
        else:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.server.site.name, *args)


class FixtureWeb:
    """A running fixture web. Use as a context manager, or call ``stop()``."""

    def __init__(
        self,
        sites: Sequence[Site],
        host: str | Sequence[str] = "127.0.0.1",
        port: int = 0,
        *,
        slow_seconds: float = DEFAULT_SLOW_SECONDS,
    ) -> None:
        if not sites:
            raise ValueError("FixtureWeb needs at least one site")
        if len({site.name for site in sites}) != len(sites):
            raise ValueError("fixture sites need distinct names")
        self.state = WebState()
        self._log: collections.deque[RequestRecord] = collections.deque(maxlen=REQUEST_LOG_LIMIT)
        self._log_lock = threading.Lock()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        bases: dict[str, str] = {}
        hosts = [host] * len(sites) if isinstance(host, str) else list(host)
        if len(hosts) != len(sites):
            raise ValueError(f"{len(hosts)} hosts given for {len(sites)} sites")
        try:
            for index, (site, site_host) in enumerate(zip(sites, hosts, strict=True)):
                server = _Server((site_host, port + index if port else 0), self, site)
                self._servers.append(server)
                bound_host, bound_port = server.socket.getsockname()[:2]
                bases[site.name] = f"http://{bound_host}:{bound_port}"
        except OSError:
            for server in self._servers:
                server.server_close()
            raise
        self.sites: dict[str, str] = bases
        self.context = Context(bases=bases, state=self.state, slow_seconds=slow_seconds)
        self._site_objects = {site.name: site for site in sites}

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FixtureWeb:
        if self._threads:
            return self
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"fixtureweb-{server.site.name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        logger.info("fixture web serving %s", ", ".join(f"{k}={v}" for k, v in self.sites.items()))
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets; safe to call twice or before ``start()``."""
        if self._threads:
            # shutdown() waits for serve_forever to return: only ask running servers.
            for server in self._servers:
                server.shutdown()
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> FixtureWeb:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addressing ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The first site's base URL."""
        return next(iter(self.sites.values()))

    @property
    def allow_private(self) -> list[str]:
        """NEWSMILL_ALLOW_PRIVATE entries for exactly this web: each site's host:port.

        The fetch guard refuses loopback addresses unless told otherwise; a crawl of the
        fixture web allows its own ports and nothing else on the machine.
        """
        return [urlsplit(base).netloc for base in self.sites.values()]

    def url(self, site: str, path: str = "/") -> str:
        if site not in self.sites:
            raise KeyError(f"no fixture site {site!r}; sites: {', '.join(self.sites)}")
        return self.sites[site] + path

    def site(self, name: str) -> Site:
        return self._site_objects[name]

    # -- state -----------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self.state.version

    def advance(self) -> int:
        """Move to the next content version: the changing article's text changes."""
        return self.state.advance()

    def reset(self) -> None:
        """Back to version 0, one-shot errors armed again, request log emptied."""
        self.state.reset()
        self.clear_requests()

    # -- request log -----------------------------------------------------------------------
    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(record)

    def requests(self, site: str | None = None) -> list[RequestRecord]:
        with self._log_lock:
            return [r for r in self._log if site is None or r.site == site]

    def clear_requests(self) -> None:
        with self._log_lock:
            self._log.clear()


def serve(
    host: str | Sequence[str] = "127.0.0.1",
    port: int = 0,
    *,
    sites: Iterable[Site] | None = None,
    slow_seconds: float = DEFAULT_SLOW_SECONDS,
) -> FixtureWeb:
    """Start the fixture web (by default the three news sites) and return it running.

    ``port=0`` gives each site a free port; a fixed ``port`` gives site *i* ``port + i``.
    ``host`` may be one address per site (e.g. 127.0.0.1, 127.0.0.2, 127.0.0.3 on Linux, where
    all of 127/8 is loopback) so that per-host logic (download slots, offsite checks) tells the
    sites apart too.
    """
    if sites is None:
        from pipeline.fixtureweb.catalog import default_sites

        sites = default_sites()
    return FixtureWeb(list(sites), host, port, slow_seconds=slow_seconds).start()
