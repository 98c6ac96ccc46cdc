"""The fetch guard: Newsmill never fetches from the machine's own or private networks.

A news site is untrusted input. Its redirects, meta refreshes, feeds and sitemaps can point
anywhere, so where a request may go is checked where the connection is made, not where a
URL is first seen:

- ``GuardedResolver`` (Scrapy's ``TWISTED_DNS_RESOLVER``) drops every resolved address that
  is loopback, private, link-local, CGNAT, multicast, unspecified, reserved or a cloud
  metadata address. The connection uses exactly the addresses it passes on, so a DNS answer
  that changes between two lookups (rebinding) is checked each time it is used.
- ``FetchGuardMiddleware`` (a downloader middleware) refuses IP-literal hosts in any spelling
  (``0x7f000001``, ``2130706433``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``) before a request
  goes out, a port on an allowed site other than its default or the one ``allowed_domains``
  names, non-HTTP schemes, and redirect/meta-refresh loops. Redirects and refreshes are new
  requests, so they pass through both checks like any other.

``NEWSMILL_ALLOW_PRIVATE`` names the private networks or hosts that may be fetched after all
(``127.0.0.1/32``, ``::1``, ``10.0.0.0/8``, ``127.0.0.1:8001``, ``[::1]:8001``,
``intranet.local``); with a port only that port. Refusals are counted
``newsmill/refused/private_address`` (``…/port``, ``…/scheme``) and logged once per host.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any, NoReturn, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.resolver import CachingHostnameResolver
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IAddress, IHostResolution, IResolutionReceiver
from zope.interface import implementer  # type: ignore[import-untyped]

from pipeline.sources import host_listed, url_allowed

logger = logging.getLogger(__name__)

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Python's is_private/is_global leave these out, and each reaches something that is not a
# public web server: shared address space (CGNAT, also Alibaba's metadata service), IETF
# protocol assignments (Oracle's metadata at 192.0.0.192), multicast, IPv6 site-local.
_EXTRA_BLOCKED: tuple[tuple[IPNetwork, str], ...] = (
    (ip_network("100.64.0.0/10"), "cgnat"),
    (ip_network("192.0.0.0/24"), "reserved"),
    (ip_network("224.0.0.0/4"), "multicast"),
    (ip_network("ff00::/8"), "multicast"),
    (ip_network("fec0::/10"), "site_local"),
)
# Cloud metadata endpoints, named so a refusal says what it protected.
_METADATA = frozenset(
    ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254")
)
# IPv6 prefixes that carry an IPv4 address a gateway will connect to.
_NAT64 = ip_network("64:ff9b::/96")

# One part of an inet_aton address: hex, octal (leading 0) or decimal.
_INET_PART = re.compile(r"^(?:0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$", re.I)


class FetchRefused(IgnoreRequest):
    """A request the fetch guard will not send (a private address, a port, a scheme)."""

    def __init__(self, message: str, stat: str) -> None:
        super().__init__(message)
        self.stat = stat


class RedirectLoopError(Exception):
    """A redirect or meta-refresh chain that comes back to a URL it visited, or never ends.

    Not an IgnoreRequest: the page failed, and the crawl state remembers it like a 5xx so
    the next run does not walk the loop again. ``error_kind`` names its errors bucket.
    """

    error_kind = "redirect_loop"


def ip_literal(host: str) -> IPAddress | None:
    """``host`` as an IP address when it is one in any spelling a resolver accepts, else None.

    Besides dotted quads and IPv6 (bracketed or not, with a zone), the inet_aton forms that
    getaddrinfo still honours: ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``.
    """
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text.endswith(".") and ":" not in text:
        text = text[:-1]  # an absolute name: "127.0.0.1." is 127.0.0.1
    if not text:
        return None
    try:
        return ip_address(text)
    except ValueError:
        pass
    parts = text.split(".")
    if len(parts) > 4 or not all(_INET_PART.match(p) for p in parts):
        return None
    numbers = [_inet_number(p) for p in parts]
    # a.b.c.d; a.b.c (c: 16 bits); a.b (b: 24 bits); a (32 bits) - as inet_aton reads them.
    last_bits = 8 * (5 - len(numbers))
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 1 << last_bits:
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value |= number << (24 - 8 * index)
    return IPv4Address(value)


def _inet_number(part: str) -> int:
    if part.startswith("0x"):
        return int(part[2:] or "0", 16)
    if part.startswith("0") and len(part) > 1:
        return int(part, 8)
    return int(part)


def blocked_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public web address ("loopback", "metadata", …), or None."""
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return blocked_reason(embedded)
    if address in _METADATA:
        return "metadata"
    for network, reason in _EXTRA_BLOCKED:
        if address in network:
            return reason
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_private or not address.is_global:
        return "private"
    return None


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True, slots=True)
class AllowRule:
    """One NEWSMILL_ALLOW_PRIVATE entry: a network or a host name, optionally one port."""

    network: IPNetwork | None = None
    host: str | None = None
    port: int | None = None

    @classmethod
    def parse(cls, entry: str) -> AllowRule:
        text = entry.strip().lower()
        port: int | None = None
        if text.startswith("["):  # [::1] or [::1]:8001 or [fd00::/8]:8001
            inner, _, rest = text[1:].partition("]")
            text, port = inner, _port(rest.removeprefix(":"), entry) if rest else None
        elif text.count(":") == 1:  # host:port or 10.0.0.0/8:8001 (":" twice or more is IPv6)
            text, _, raw_port = text.partition(":")
            port = _port(raw_port, entry)
        if not text:
            raise ValueError(f"NEWSMILL_ALLOW_PRIVATE: {entry!r} names no network or host")
        literal = ip_literal(text) if "/" not in text else None
        try:
            network = ip_network(str(literal) if literal else text, strict=False)
        except ValueError:
            if "/" in text or not re.match(r"^[a-z0-9_.-]+$", text):
                raise ValueError(
                    f"NEWSMILL_ALLOW_PRIVATE: {entry!r} is neither a network (127.0.0.1/32, ::1)"
                    " nor a host name, optionally with :port"
                ) from None
            return cls(host=text.strip("."), port=port)
        return cls(network=network, port=port)

    def allows(self, address: IPAddress, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            return address.version == self.network.version and address in self.network
        return host.lower().strip(".") == self.host


def _port(raw: str, entry: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"NEWSMILL_ALLOW_PRIVATE: {entry!r} has no valid port after ':'")
    return int(raw)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses may be fetched: public ones, and the private ones explicitly allowed."""

    allowed: tuple[AllowRule, ...] = ()

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> AddressPolicy:
        return cls(tuple(AllowRule.parse(e) for e in entries if e and e.strip()))

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> AddressPolicy:
        return cls.from_entries(settings.getlist("NEWSMILL_ALLOW_PRIVATE"))

    def refusal(self, address: IPAddress, host: str, port: int) -> str | None:
        """Why a connection to ``address`` (for ``host``:``port``) is refused, or None."""
        address = _unmapped(address)
        reason = blocked_reason(address)
        if reason is None or any(rule.allows(address, host, port) for rule in self.allowed):
            return None
        return reason


@dataclass(frozen=True, slots=True)
class Refusal:
    address: str
    reason: str


@implementer(IResolutionReceiver)
class _GuardedReceiver:
    """Passes on the resolved addresses the policy allows; remembers a host it refused."""

    def __init__(self, receiver: Any, resolver: GuardedResolver, host: str, port: int) -> None:
        # Any: zope's interface methods are declared without self, which mypy cannot call.
        self.receiver: Any = receiver
        self.resolver = resolver
        self.host = host
        self.port = port
        self.passed = 0
        self.refused: Refusal | None = None

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        text = getattr(address, "host", "")
        try:
            parsed = ip_address(text)
        except ValueError:
            parsed = None
        reason = (
            "unparsable"
            if parsed is None
            else self.resolver.policy.refusal(parsed, self.host, self.port)
        )
        if reason is not None:
            self.refused = Refusal(text, reason)
            return
        self.passed += 1
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self.resolver.note(self.host, self.port, self.refused if not self.passed else None)
        self.receiver.resolutionComplete()


class GuardedResolver(CachingHostnameResolver):
    """Scrapy's caching IPv4/IPv6 resolver, passing on only addresses the policy allows.

    Set as ``TWISTED_DNS_RESOLVER``. Scrapy builds it once per process (from the process,
    not a crawler, so it has no stats): ``FetchGuardMiddleware`` asks it through
    ``refusal_for`` why a lookup came back empty, and counts the refusal in its crawl.
    """

    # Hosts whose last lookup was refused, kept for the middleware; bounded, oldest out.
    _REMEMBERED = 10_000

    def __init__(self, reactor: Any, cache_size: int, policy: AddressPolicy) -> None:
        super().__init__(reactor, cache_size)
        self.policy = policy
        self._refused: dict[tuple[str, int], Refusal] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, AddressPolicy.from_settings(settings))

    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        guarded = _GuardedReceiver(resolutionReceiver, self, hostName, portNumber)
        return super().resolveHostName(
            guarded,  # type: ignore[arg-type]
            hostName,
            portNumber,
            addressTypes,
            transportSemantics,
        )

    def note(self, host: str, port: int, refusal: Refusal | None) -> None:
        key = (host.lower(), port)
        if refusal is None:
            self._refused.pop(key, None)
            return
        if len(self._refused) >= self._REMEMBERED:
            self._refused.pop(next(iter(self._refused)))
        self._refused[key] = refusal

    def refusal_for(self, host: str, port: int) -> Refusal | None:
        return self._refused.get((host.lower(), port))


class FetchGuardMiddleware:
    """Refuse requests to private addresses, unlisted ports and other schemes; stop loops.

    Sits above the retry middleware (a higher number), so a refused lookup is turned into a
    ``FetchRefused`` before it could be retried.
    """

    def __init__(self, crawler: Crawler, policy: AddressPolicy) -> None:
        self.crawler = crawler
        self.policy = policy
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")
        self._logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, AddressPolicy.from_settings(crawler.settings))

    def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            self._refuse(request, "scheme", parts.hostname or request.url, f"{scheme}: URL")
        host = parts.hostname or ""
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            self._refuse(request, "port", host, "invalid port")
        literal = ip_literal(host)
        if literal is not None:
            reason = self.policy.refusal(literal, host, port)
            if reason is not None:
                self._refuse(request, "private_address", host, f"{reason} address {literal}")
        domains = self._allowed_domains()
        if host_listed(host, domains) and not url_allowed(request.url, domains):
            # The site's host on a port it does not name: news.example.com:5432 is not the
            # news site, whatever the host name says.
            self._refuse(request, "port", f"{host}:{port}", "port not in allowed_domains")
        visited = request.meta.get("redirect_urls") or ()
        if visited and (request.url in visited or len(visited) >= self.max_redirects):
            raise RedirectLoopError(
                f"{visited[0]} redirects in a loop ({len(visited)} hops, back to {request.url})"
                if request.url in visited
                else f"{visited[0]}: more than {self.max_redirects - 1} redirects"
            )

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, (DNSLookupError, CannotResolveHostError)):
            return
        from twisted.internet import reactor

        resolver = getattr(reactor, "nameResolver", None)
        if not isinstance(resolver, GuardedResolver):
            return
        parts = urlparse_cached(request)
        host = parts.hostname or ""
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
        refusal = resolver.refusal_for(host, port)
        if refusal is not None:
            self._refuse(
                request, "private_address", host, f"resolves to {refusal.reason} {refusal.address}"
            )

    def _allowed_domains(self) -> tuple[str, ...]:
        # NewsSpider keeps the ports of allowed_domains in its config (Scrapy's own
        # allowed_domains takes host names only).
        config = getattr(self.crawler.spider, "config", None)
        return tuple(getattr(config, "allowed_domains", ()) or ())

    def _refuse(self, request: Request, kind: str, host: str, why: str) -> NoReturn:
        self.crawler.stats.inc_value(f"newsmill/refused/{kind}")
        if host not in self._logged:
            self._logged.add(host)
            logger.warning(
                "refusing to fetch %s (%s); later requests to %s are refused silently.%s",
                request.url[:200],
                why,
                host,
                " Set NEWSMILL_ALLOW_PRIVATE to allow a private network on purpose."
                if kind == "private_address"
                else "",
            )
        raise FetchRefused(f"fetch guard: {why}", kind)
