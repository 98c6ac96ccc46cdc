"""Canonical URLs: one key per article however a link spells it."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import is_external
from w3lib.url import canonicalize_url

# Parameters that identify a campaign or a click, never the page. Prefixes end with "_".
DEFAULT_TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "utm_",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "spm",
        "scm",
        "igshid",
        "_ga",
        "cmpid",
        "ocid",
        "share",
        "share_from",
        "ref_src",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def tracking_params(extra: Iterable[str] = ()) -> frozenset[str]:
    """The default tracking parameters plus a deployment's own (NEWSMILL_TRACKING_PARAMS)."""
    return DEFAULT_TRACKING_PARAMS | {p.lower() for p in extra}


def _is_tracking(name: str, params: frozenset[str]) -> bool:
    lowered = name.lower()
    return lowered in params or any(p.endswith("_") and lowered.startswith(p) for p in params)


def canonical_url(url: str, tracking_params: Iterable[str] | None = None) -> str:
    """Normalize ``url`` for deduplication.

    w3lib sorts the query and normalizes percent-encoding and drops the fragment; on top of
    it we drop tracking parameters, the default port and an empty query.
    """
    params = frozenset(tracking_params) if tracking_params is not None else DEFAULT_TRACKING_PARAMS
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k, params)
    ]
    netloc = parts.hostname or ""
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        netloc = f"{netloc}:{parts.port}"
    path = parts.path or "/"
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def same_site(url: str, other: str) -> bool:
    """True when both URLs belong to one site (registered domain, ignoring subdomains).

    The scheme and default ports are ignored on purpose (a page on http://site/ declaring
    https://www.site/ is the same site), but two different explicit ports on one host are
    two sites: that is how one machine serves several.
    """
    a, b = urlsplit(url), urlsplit(other)
    if not a.hostname or not b.hostname:
        return False
    port_a = a.port or _DEFAULT_PORTS.get(a.scheme.lower())
    port_b = b.port or _DEFAULT_PORTS.get(b.scheme.lower())
    if (a.port or b.port) and port_a != port_b and {port_a, port_b} != {80, 443}:
        return False
    if a.hostname == b.hostname:
        return True
    return not is_external(other, url, ignore_suffix=True)


def choose_canonical(
    page_url: str, declared: str | None, tracking_params: Iterable[str] | None = None
) -> str:
    """The page's declared canonical (rel=canonical / og:url) when it is on the same site, else its URL.

    A canonical pointing at another site (syndication) must not merge two sources' URLs here;
    content dedup handles syndicated copies.
    """
    if declared and declared.startswith(("http://", "https://")) and same_site(page_url, declared):
        return canonical_url(declared, tracking_params)
    return canonical_url(page_url, tracking_params)
