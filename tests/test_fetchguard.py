"""The fetch guard: private addresses, ports and loops, in units and in crawls of a hostile site.

The crawls use the project settings (pipeline/settings.py: the guard's middleware and DNS
resolver as shipped) against a "hostile" site on 127.0.0.1 whose redirects, meta refreshes,
feed and sitemap point at a "secret" server on other loopback ports and addresses. Only the
hostile site's own host:port is allowed; the secret server must see no request at all.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler
from twisted.internet.address import IPv4Address, IPv6Address

from pipeline.fetchguard import (
    AddressPolicy,
    AllowRule,
    FetchGuardMiddleware,
    FetchRefused,
    GuardedResolver,
    RedirectLoopError,
    blocked_reason,
    ip_literal,
)
from pipeline.sources import url_allowed

REPO = Path(__file__).resolve().parent.parent


# --- addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0x7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # a.b: b fills 24 bits
        ("10.1.256", "10.1.1.0"),  # a.b.c: c fills 16 bits
        ("127.0.0.1.", "127.0.0.1"),  # absolute name
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
        ("news.example.com", None),
        ("1e100.net", None),
        ("08.0.0.1", None),  # 8 is not an octal digit: a name, as inet_aton says
        ("256.0.0.1", None),
        ("4294967296", None),
        ("", None),
    ],
)
def test_ip_literal_reads_every_spelling_a_resolver_accepts(
    host: str, expected: str | None
) -> None:
    parsed = ip_literal(host)
    assert (str(parsed) if parsed else None) == expected
    if expected and ":" not in expected and host and "[" not in host:
        # The same reading as the C library's inet_aton, which getaddrinfo uses.
        assert socket.inet_ntoa(socket.inet_aton(host.rstrip("."))) == expected


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12::1", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("169.254.1.1", "link_local"),
        ("fe80::1", "link_local"),
        ("100.64.0.1", "cgnat"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::a9fe:a9fe", "metadata"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("fec0::1", "site_local"),
        ("240.0.0.1", "private"),  # reserved
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_blocked_reason(address: str, reason: str | None) -> None:
    assert blocked_reason(ip_address(address)) == reason


def test_allow_rules_name_networks_hosts_and_ports() -> None:
    policy = AddressPolicy.from_entries(
        ["127.0.0.1:8001", "[::1]:8001", "10.0.0.0/8", "intranet.local", " ", "fd00::/8"]
    )
    loop, v6 = ip_address("127.0.0.1"), ip_address("::1")
    assert policy.refusal(loop, "127.0.0.1", 8001) is None
    assert policy.refusal(loop, "127.0.0.1", 8002) == "loopback"  # only the port named
    assert policy.refusal(ip_address("127.0.0.2"), "127.0.0.2", 8001) == "loopback"
    assert policy.refusal(ip_address("::ffff:127.0.0.1"), "x", 8001) is None  # mapped = same
    assert policy.refusal(v6, "::1", 8001) is None and policy.refusal(v6, "::1", 80)
    assert policy.refusal(ip_address("10.9.8.7"), "anything", 443) is None
    assert policy.refusal(ip_address("192.168.0.1"), "intranet.local", 80) is None
    assert policy.refusal(ip_address("192.168.0.1"), "other.local", 80) == "private"
    assert policy.refusal(ip_address("169.254.169.254"), "x", 80) == "metadata"
    assert AllowRule.parse("127.0.0.1/32").network is not None
    for bad in ("127.0.0.1:http", "10.0.0.0/33", "[::1]:0", "bad host!"):
        with pytest.raises(ValueError, match="NEWSMILL_ALLOW_PRIVATE"):
            AllowRule.parse(bad)


def test_the_environment_variable_is_the_settings_default() -> None:
    code = "from pipeline import settings; print(settings.NEWSMILL_ALLOW_PRIVATE)"
    env = {**os.environ, "NEWSMILL_ALLOW_PRIVATE": "127.0.0.1/32, ::1,"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert out.stdout.strip() == "['127.0.0.1/32', '::1']", out.stderr
    env.pop("NEWSMILL_ALLOW_PRIVATE")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[]", out.stderr


# --- the resolver: addresses checked on every lookup, as the connection uses them --------------


class _ScriptedResolver:
    """A name resolver answering each lookup with the next address list of a script."""

    def __init__(self, answers: list[list[str]]) -> None:
        self.answers = answers

    def resolveHostName(self, receiver: Any, host: str, port: int = 0, *args: Any) -> Any:
        receiver.resolutionBegan(SimpleNamespace(name=host))
        for text in self.answers.pop(0):
            kind = IPv6Address if ":" in text else IPv4Address
            receiver.addressResolved(kind("TCP", text, port))
        receiver.resolutionComplete()
        return receiver


@dataclass
class _Receiver:
    addresses: list[str] = field(default_factory=list)
    done: bool = False

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        self.done = True


def test_resolver_checks_every_answer_so_dns_rebinding_gets_nothing() -> None:
    # First answer public, second (the rebinding) loopback, third a mix: each lookup is
    # checked, so the connection only ever sees public addresses.
    script = _ScriptedResolver([["93.184.216.34"], ["127.0.0.1"], ["10.0.0.1", "93.184.216.34"]])
    reactor = SimpleNamespace(nameResolver=script)
    resolver = GuardedResolver(reactor, cache_size=0, policy=AddressPolicy())
    answers = []
    for _ in range(3):
        receiver = _Receiver()
        resolver.resolveHostName(receiver, "rebind.example", 443)
        assert receiver.done
        answers.append(receiver.addresses)
    assert answers == [["93.184.216.34"], [], ["93.184.216.34"]]
    # Only the second lookup refused everything; the middleware asks why a lookup failed.
    assert resolver.refusal_for("rebind.example", 443) is None
    script.answers.append(["169.254.169.254", "::1"])
    resolver.resolveHostName(_Receiver(), "REBIND.example", 443)
    refusal = resolver.refusal_for("rebind.example", 443)
    assert refusal is not None and refusal.reason in ("metadata", "loopback")


def test_resolver_allows_the_named_private_port_only() -> None:
    script = _ScriptedResolver([["127.0.0.1", "::1"], ["127.0.0.1", "::1"]])
    policy = AddressPolicy.from_entries(["127.0.0.1:8001"])
    resolver = GuardedResolver(SimpleNamespace(nameResolver=script), 0, policy)
    allowed, refused = _Receiver(), _Receiver()
    resolver.resolveHostName(allowed, "localhost", 8001)
    resolver.resolveHostName(refused, "localhost", 5432)
    assert allowed.addresses == ["127.0.0.1"] and refused.addresses == []


# --- the middleware ----------------------------------------------------------------------------


def _middleware(
    allow: list[str] | None = None, domains: tuple[str, ...] = ()
) -> FetchGuardMiddleware:
    crawler = get_crawler(settings_dict={"NEWSMILL_ALLOW_PRIVATE": allow or []})
    crawler.stats.open_spider()
    crawler.spider = SimpleNamespace(config=SimpleNamespace(allowed_domains=domains))
    return FetchGuardMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/",
        "http://0x7f000001/latest",
        "http://2130706433:6379/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://100.100.100.200/",
        "https://10.0.0.1/",
    ],
)
def test_private_literal_hosts_are_refused_before_sending(url: str) -> None:
    middleware = _middleware(["127.0.0.1:8001"])
    with pytest.raises(FetchRefused):
        middleware.process_request(Request(url))
    assert middleware.crawler.stats.get_value("newsmill/refused/private_address") == 1


def test_allowed_private_port_and_public_addresses_pass() -> None:
    middleware = _middleware(["127.0.0.1:8001"])
    for url in ("http://127.0.0.1:8001/a", "http://93.184.216.34/", "https://news.example/"):
        assert middleware.process_request(Request(url)) is None
    assert not middleware.crawler.stats.get_value("newsmill/refused/private_address")


def test_an_allowed_host_means_its_default_port_unless_allowed_domains_names_one() -> None:
    middleware = _middleware(domains=("news.example.com", "local.test:8001"))
    for ok in (
        "https://news.example.com/a",
        "http://www.news.example.com/a",
        "http://local.test:8001/",
        "https://cdn.other.example:8443/feed.xml",  # not the site: only the address rules apply
    ):
        assert middleware.process_request(Request(ok)) is None
    for bad in (
        "http://news.example.com:5432/",
        "https://news.example.com:80/",
        "http://local.test/",
    ):
        with pytest.raises(FetchRefused):
            middleware.process_request(Request(bad))
    assert middleware.crawler.stats.get_value("newsmill/refused/port") == 3
    assert not url_allowed("http://news.example.com:5432/", ("news.example.com",))
    assert url_allowed("http://news.example.com:80/", ("news.example.com",))


def test_other_schemes_are_refused() -> None:
    middleware = _middleware()
    for url in ("file:///etc/passwd", "ftp://news.example/x", "s3://bucket/key"):
        with pytest.raises(FetchRefused):
            middleware.process_request(Request(url))
    assert middleware.crawler.stats.get_value("newsmill/refused/scheme") == 3


def test_redirect_loops_and_endless_chains_are_errors_with_their_own_kind() -> None:
    middleware = _middleware()
    loop = Request(
        "http://a.example/1", meta={"redirect_urls": ["http://a.example/1", "http://a.example/2"]}
    )
    with pytest.raises(RedirectLoopError, match="loop"):
        middleware.process_request(loop)
    chain = [f"http://a.example/{n}" for n in range(middleware.max_redirects)]
    with pytest.raises(RedirectLoopError, match="more than"):
        middleware.process_request(Request("http://a.example/x", meta={"redirect_urls": chain}))
    fine = Request("http://a.example/3", meta={"redirect_urls": ["http://a.example/1"]})
    assert middleware.process_request(fine) is None
    assert RedirectLoopError.error_kind == "redirect_loop"


# --- crawls of a hostile site ------------------------------------------------------------------


Handler = Callable[[str], tuple[int, dict[str, str], bytes]]


class LocalSite:
    """A tiny HTTP server on one address: path -> (status, headers, body); records requests."""

    def __init__(self, host: str, port: int, routes: dict[str, Handler] | None = None) -> None:
        self.routes: dict[str, Handler] = routes or {}
        self.hits: list[str] = []
        self.times: list[float] = []  # time.monotonic() of each request, as in hits
        site = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.times.append(time.monotonic())
                site.hits.append(self.path)
                route = site.routes.get(self.path.split("?")[0])
                status, headers, body = route(self.path) if route else (404, {}, b"not here")
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        server_class = type("_Server", (ThreadingHTTPServer,), {"address_family": family})
        self.server = server_class((host, port), _Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def article_page(title: str, extra_head: str = "") -> bytes:
    text = " ".join(f"{title} sentence {n} with enough words to be an article." for n in range(30))
    return (
        f"<html><head><title>{title}</title>{extra_head}</head><body><article><h1>{title}</h1>"
        f"<p>{text}</p></article></body></html>"
    ).encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


@dataclass
class HostileWeb:
    site: LocalSite
    secrets: list[LocalSite]
    targets: dict[str, str]  # name -> a private URL the site sends us to

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.site.port}"

    @property
    def allow(self) -> list[str]:
        """The allow list of a crawl that may reach the site and none of the secret servers."""
        return [f"127.0.0.1:{self.site.port}"]

    def secret_hits(self) -> list[str]:
        return [hit for secret in self.secrets for hit in secret.hits]


@pytest.fixture
def hostile_web() -> Iterator[HostileWeb]:
    secret = LocalSite("127.0.0.1", 0)
    secrets = [secret]
    creds = b'{"AccessKeyId": "AKIAFAKE", "SecretAccessKey": "not-for-you"}'
    site = LocalSite("127.0.0.1", 0)
    # The same port as the site, on another loopback address: not the allowed host:port.
    second = LocalSite("127.0.0.2", site.port)
    secrets.append(second)
    port = secret.port
    targets = {
        "port": f"http://127.0.0.1:{port}/creds",
        "second_address": f"http://127.0.0.2:{site.port}/creds",
        "hex": f"http://0x7f000001:{port}/creds",
        "decimal": f"http://2130706433:{port}/creds",
        "octal": f"http://0177.0.0.1:{port}/creds",
        "v6": f"http://[::1]:{port}/creds",
        "mapped": f"http://[::ffff:127.0.0.1]:{port}/creds",
        "name": f"http://localhost:{port}/creds",  # only DNS says where this goes
    }
    if _ipv6_loopback():
        v6 = LocalSite("::1", port)
        secrets.append(v6)
    for secret_site in secrets:
        secret_site.routes["/creds"] = lambda _: (
            200,
            HTML,
            article_page("Credentials " + creds.decode()),
        )
        secret_site.routes["/feed.xml"] = lambda _: (200, XML, b"<rss/>")
        secret_site.routes["/sitemap.xml"] = lambda _: (200, XML, b"<urlset/>")
    base = f"http://127.0.0.1:{site.port}"

    def redirect(to: str) -> Handler:
        return lambda _: (302, {"Location": to}, b"")

    routes: dict[str, Handler] = {
        "/robots.txt": lambda _: (
            200,
            {"Content-Type": "text/plain"},
            b"User-agent: *\nAllow: /\n",
        ),
        "/a/ok": lambda _: (200, HTML, article_page("A real article")),
        "/loop/1": redirect(f"{base}/loop/2"),
        "/loop/2": redirect(f"{base}/loop/1"),
        "/loop/self": lambda _: (
            200,
            HTML,
            article_page(
                "Refresh", f'<meta http-equiv="refresh" content="0; url={base}/loop/self">'
            ),
        ),
        "/feed-moved.xml": redirect(targets["port"].replace("/creds", "/feed.xml")),
        "/sitemap-moved.xml": redirect(targets["v6"].replace("/creds", "/sitemap.xml")),
        "/sitemap-index.xml": lambda _: (
            200,
            XML,
            (
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{targets['hex'].replace('/creds', '/sitemap.xml')}</loc></sitemap>"
                f"<sitemap><loc>{base}/sitemap-moved.xml</loc></sitemap>"
                "</sitemapindex>"
            ).encode(),
        ),
    }
    for name, target in targets.items():
        routes[f"/a/{name}"] = redirect(target)
    routes["/a/meta"] = lambda _: (
        200,
        HTML,
        article_page("Moved", f'<meta http-equiv="refresh" content="0;url={targets["decimal"]}">'),
    )
    items = "".join(
        f"<item><title>{name}</title><link>{base}/a/{name}</link></item>"
        for name in [*targets, "meta", "ok"]
    )
    routes["/feed.xml"] = lambda _: (
        200,
        {"Content-Type": "application/rss+xml"},
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(),
    )
    loops = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in ("/loop/1", "/loop/self")
    )
    routes["/loops.xml"] = lambda _: (
        200,
        {"Content-Type": "application/rss+xml"},
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{loops}</channel></rss>'.encode(),
    )
    site.routes.update(routes)
    try:
        yield HostileWeb(site, secrets, targets)
    finally:
        for server in (site, *secrets):
            server.stop()


_RUNNER = r"""
import json, sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

config = json.loads(sys.argv[1])
items = []

class Collect:
    def process_item(self, item, spider=None):
        items.append(item.url)
        return item

settings = get_project_settings()  # pipeline/settings.py: the guard as shipped
settings.setdict(config["settings"], priority="cmdline")
settings.set("ITEM_PIPELINES", {Collect: 100}, priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(config["spider"])
process.crawl(crawler, **config["args"])
process.start()
stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float))}
json.dump({"items": items, "stats": stats}, open(config["out"], "w"))
"""


def project_crawl(
    spider: str,
    args: dict[str, str],
    allow: list[str],
    tmp_path: Path,
    database_url: str,
    **settings: Any,
) -> tuple[list[str], dict[str, int], str]:
    """A crawl with the project settings, with crawl state as in production.

    Incremental crawl state matters here: with it, article requests skip Scrapy's dupefilter
    and offsite filter (the claim in PostgreSQL decides), so the guard is the only thing
    between a redirect and a private address, as in a real crawl.
    """
    out = tmp_path / f"out-{len(list(tmp_path.iterdir()))}.json"
    config = {
        "spider": spider,
        "args": args,
        "out": str(out),
        "settings": {
            "NEWSMILL_ALLOW_PRIVATE": allow,
            "NEWSMILL_INCREMENTAL": True,
            "NEWSMILL_DATABASE_URL": database_url,
            "NEWSMILL_STORE_ENABLED": False,
            "NEWSMILL_EXTRACT_WORKERS": "0",
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_TIMEOUT": 5,
            "RETRY_TIMES": 1,
            "NEWSMILL_RETRY_BACKOFF_BASE": 0.05,
            "LOG_LEVEL": "INFO",
            **settings,
        },
    }
    env = {k: v for k, v in os.environ.items() if k != "NEWSMILL_ALLOW_PRIVATE"}
    env.update(SCRAPY_SETTINGS_MODULE="pipeline.settings", PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, json.dumps(config)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    data = json.loads(out.read_text())
    return data["items"], data["stats"], proc.stderr


@pytest.mark.slow
def test_redirects_and_refreshes_to_private_addresses_fetch_nothing(
    hostile_web: HostileWeb, tmp_path: Path, database_url: str
) -> None:
    base = hostile_web.base
    feeds = {"feeds": f"{base}/feed.xml,{base}/feed-moved.xml"}
    items, stats, log = project_crawl("feed", feeds, hostile_web.allow, tmp_path, database_url)
    # Only the real article came back; the secret servers were never reached.
    assert [i.rsplit("/", 1)[-1] for i in items] == ["ok"]
    assert hostile_web.secret_hits() == []
    # Every private target was refused: 8 redirects, the meta refresh and the moved feed
    # (plus robots.txt of the secret port), "localhost" after DNS, the rest as literals.
    private = stats.get("newsmill/refused/private_address", 0)
    assert private >= len(hostile_web.targets) + 2, stats
    assert "refusing to fetch" in log
    # Logged once per host, not once per request.
    assert log.count("later requests to localhost are refused") == 1
    assert not stats.get("newsmill/errors/dns") and not stats.get("newsmill/errors/other")


@pytest.mark.slow
def test_sitemap_redirects_to_private_addresses_fetch_nothing(
    hostile_web: HostileWeb, tmp_path: Path, database_url: str
) -> None:
    sitemaps = {"sitemaps": f"{hostile_web.base}/sitemap-index.xml"}
    items, stats, _ = project_crawl("sitemap", sitemaps, hostile_web.allow, tmp_path, database_url)
    assert items == [] and hostile_web.secret_hits() == []
    assert stats.get("newsmill/refused/private_address", 0) >= 1, stats  # -> [::1]
    assert "/sitemap-moved.xml" in hostile_web.site.hits


@pytest.mark.slow
def test_without_the_allow_list_the_fixture_host_itself_is_refused(
    hostile_web: HostileWeb, tmp_path: Path, database_url: str
) -> None:
    items, stats, _ = project_crawl(
        "feed", {"feeds": f"{hostile_web.base}/feed.xml"}, [], tmp_path, database_url
    )
    assert items == [] and hostile_web.site.hits == []
    assert stats.get("newsmill/refused/private_address", 0) >= 1


@pytest.mark.slow
def test_redirect_and_refresh_loops_are_counted_and_remembered(
    hostile_web: HostileWeb, tmp_path: Path, database_url: str
) -> None:
    allow, feeds = hostile_web.allow, {"feeds": f"{hostile_web.base}/loops.xml"}
    items, stats, _ = project_crawl("feed", feeds, allow, tmp_path, database_url)
    assert items == []
    assert stats.get("newsmill/errors/redirect_loop") == 2, stats
    # Each loop walked once round, not REDIRECT_MAX_TIMES hops.
    assert hostile_web.site.hits.count("/loop/1") == 1
    assert hostile_web.site.hits.count("/loop/self") == 1
    # Remembered like other failures: the next run does not walk them again.
    _, again, _ = project_crawl("feed", feeds, allow, tmp_path, database_url)
    assert hostile_web.site.hits.count("/loop/1") == 1
    assert hostile_web.site.hits.count("/loop/self") == 1
    assert again.get("newsmill/skipped/known") == 2, again


def test_the_crawl_summary_shows_refusals() -> None:
    import io

    from pipeline.cli import _print_summary

    out = io.StringIO()
    stats = {"newsmill/refused/private_address": 2, "newsmill/refused/port": 1}
    _print_summary(stats, 1.0, out)
    assert "refused (guard)      3 (port 1, private_address 2)" in out.getvalue()
