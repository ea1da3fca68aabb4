"""Fetching a URL someone pasted into the dashboard: never an address inside this
machine or its network.

A dashboard that fetches a pasted URL server-side could be made to read the daemon's
own `/metrics`, a router's admin page or a cloud's metadata service (which hands out
credentials). ``refusal`` judges one address (pure); ``GuardedTransport`` judges every
request the Fetcher sends through it, so every hop of a redirect is judged too, and
pins the connection to the addresses it judged, so a name that resolves to a public
address for the check and to 127.0.0.1 a moment later (DNS rebinding) cannot slip
through. Only the hosts the watchlist itself names as endpoints (`[settings.endpoints]`,
written by the user, not pasted) may be private.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from urllib.parse import urlsplit

import httpx

from secondchance.fetch.errors import FetchError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[Address]]]

# Metadata services answer on these in AWS, GCP, Azure, OpenStack, DigitalOcean (the
# first), AWS ECS tasks, AWS over IPv6, Alibaba Cloud and Oracle Cloud.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
_METADATA_NAMES = ("metadata.google.internal", "metadata.goog", "instance-data")
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(FetchError):
    """A URL the dashboard will not fetch: it leads inside this machine or network."""


def refusal(address: Address) -> str | None:
    """Why ``address`` must not be fetched from a pasted URL; None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None
        )
        if embedded is not None:
            return refusal(embedded)
    if address in _METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "the unspecified address (this machine)"
    if address.is_private:
        return "a private network address"
    if address.is_multicast or address.is_reserved or not address.is_global:
        return "not a public address"
    return None


def name_refusal(host: str) -> str | None:
    """Why a host name must not be fetched before it is even resolved."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return "a loopback address"
    if name in _METADATA_NAMES or name.endswith(".internal"):
        return "a cloud metadata or internal name"
    return None


def trusted(endpoints: Mapping[str, str], defaults: Mapping[str, str]) -> frozenset[str]:
    """The hosts of the endpoints the watchlist itself sets, which may be private (a
    mirror on the local network): ``host:port``, lower case."""
    hosts: set[str] = set()
    for name, url in endpoints.items():
        if url == defaults.get(name):
            continue
        parts = urlsplit(url.replace("{", "").replace("}", ""))
        if parts.hostname:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            hosts.add(f"{parts.hostname.lower()}:{port}")
    return frozenset(hosts)


async def _resolve(host: str, port: int) -> list[Address]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of it.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


class GuardedTransport(httpx.AsyncBaseTransport):
    """``inner``, for requests to public addresses only. ``direct``: the transport
    connects to the host itself (not through a proxy), so the request is pinned to the
    address judged."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        trusted: Iterable[str] = (),
        direct: bool = True,
        resolve: Resolver | None = None,
    ) -> None:
        self._inner = inner
        self._trusted = frozenset(trusted)
        self._direct = direct
        self._resolve = resolve or _resolve

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        if f"{host.lower()}:{port}" in self._trusted:
            return await self._inner.handle_async_request(request)
        literal = _literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            if (reason := name_refusal(host)) is not None:
                raise Refused(f"not fetched: {host} is {reason}")
            try:
                addresses = await self._resolve(host, port)
            except OSError as exc:
                raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from None
        for address in addresses:
            if (reason := refusal(address)) is not None:
                shown = host if literal is not None else f"{host} resolves to {address}, which"
                raise Refused(f"not fetched: {shown} is {reason}")
        if literal is not None or not self._direct:
            return await self._inner.handle_async_request(request)
        return await self._inner.handle_async_request(_pinned(request, addresses[0], host))

    async def aclose(self) -> None:
        await self._inner.aclose()


def _pinned(request: httpx.Request, address: Address, host: str) -> httpx.Request:
    """``request`` sent to ``address``: the Host header (set when the request was
    built) and the TLS server name (checked against the certificate) stay ``host``."""
    return httpx.Request(
        request.method,
        request.url.copy_with(host=str(address)),
        headers=request.headers,
        stream=request.stream,
        extensions={**request.extensions, "sni_hostname": host},
    )
