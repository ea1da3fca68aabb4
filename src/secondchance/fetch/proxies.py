"""HTTP proxies from the environment, read as curl, requests and httpx read them.

The fetcher calls its transport directly rather than through an httpx client
(see ``http.Fetcher``), which skips the client's reading of ``HTTP_PROXY``,
``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY``. This module gives it back:
a user behind a corporate proxy sets the same variables as for every other
tool, and Apprise (which uses requests) already honours them.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SUPPORTED = ("http", "https")


class ProxyError(ValueError):
    """A proxy setting the transports cannot use: SOCKS, or not a URL."""


@dataclass(frozen=True)
class Proxies:
    """Which proxy, if any, a request goes through."""

    # Scheme of the request ("http", "https", or "all" for both) -> proxy URL.
    # repr=False: a proxy URL may carry a password, and reprs end up in logs.
    by_scheme: Mapping[str, str] = field(default_factory=dict, repr=False)
    # NO_PROXY as written: hosts, ".domain" suffixes, or "*" for every host.
    no_proxy: str = ""

    def __bool__(self) -> bool:
        return bool(self.by_scheme)

    def for_url(self, scheme: str, host: str, port: int | None = None) -> str | None:
        """The proxy URL for a request to ``scheme://host:port``; None to go direct.
        Raises ProxyError rather than connecting directly behind the
        user's back when the proxy that applies cannot be used."""
        proxy = self._for_scheme(scheme)
        if proxy is None:
            return None
        if bypassed(self.no_proxy, host, port):
            return None
        parts = urlsplit(proxy)
        if parts.scheme not in SUPPORTED:
            raise ProxyError(
                f"proxy {redact(proxy)} is not supported: use an http:// or https:// proxy"
            )
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise ProxyError(f"proxy {redact(proxy)} has an invalid port") from None
        if not parts.hostname:
            raise ProxyError(f"proxy {redact(proxy)} names no host")
        return proxy

    def _for_scheme(self, scheme: str) -> str | None:
        return self.by_scheme.get(scheme) or self.by_scheme.get("all")

    def passwords(self) -> set[str]:
        """The passwords in the proxy URLs, for the log's masking."""
        return {p for url in self.by_scheme.values() if (p := urlsplit(url).password)}

    def describe(self) -> list[str]:
        """One line per scheme that goes through a proxy, for the log; credentials
        left out."""
        lines = []
        for scheme in SUPPORTED:
            proxy = self._for_scheme(scheme)
            if proxy is not None:
                usable = "" if urlsplit(proxy).scheme in SUPPORTED else " (not supported)"
                lines.append(f"{scheme}:// requests through {redact(proxy)}{usable}")
        if lines and self.no_proxy:
            lines.append(f"direct to NO_PROXY hosts: {self.no_proxy}")
        return lines


def from_environment(environ: Mapping[str, str] | None = None) -> Proxies:
    """The proxies set in ``environ`` (the process's environment by default).
    Lower-case names win over upper-case ones, as in curl; ``HTTP_PROXY`` is
    ignored in a CGI request, where a client can set it (httpoxy)."""
    found = _read(os.environ if environ is None else environ)
    no_proxy = found.pop("no", "")
    by_scheme = {
        scheme: _normalise(url) for scheme, url in found.items() if scheme in (*SUPPORTED, "all")
    }
    return Proxies({k: v for k, v in by_scheme.items() if v}, no_proxy.strip())


def bypassed(no_proxy: str, host: str, port: int | None = None) -> bool:
    """Whether NO_PROXY sends ``host`` direct: ``*``; a host and its subdomains
    (``corp.example``, ``.corp.example``, ``*.corp.example``); a host with a port
    (``intranet:8080``); an IP address or a network (``10.0.0.0/8``)."""
    host = host.lower().strip("[]").rstrip(".")
    for entry in no_proxy.replace(" ", ",").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if "/" in entry:
            if _in_network(host, entry):
                return True
            continue
        name, _, want_port = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
        if want_port and str(port) != want_port:
            continue
        name = name.strip("[]").removeprefix("*").lstrip(".").rstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def _has_port(entry: str) -> bool:
    # "host:8080" or "[::1]:8080"; a bare IPv6 address has colons but no port.
    if entry.startswith("["):
        return "]:" in entry
    return entry.count(":") == 1


def _in_network(host: str, entry: str) -> bool:
    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False


def _read(environ: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for case in (str.upper, str.lower):  # lower-case last: it wins
        for name in ("http", "https", "all", "no"):
            value = environ.get(case(f"{name}_proxy"))
            if value:
                found[name] = value
    if "REQUEST_METHOD" in environ:
        found.pop("http", None)
    return found


def _normalise(url: str) -> str:
    url = url.strip()
    # "proxy.corp:3128" with no scheme means an HTTP proxy, as curl reads it.
    return url if not url or "://" in url else f"http://{url}"


def redact(url: str) -> str:
    """scheme://host:port of a proxy URL: its user and password never reach a log."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")
