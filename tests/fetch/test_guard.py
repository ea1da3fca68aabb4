"""The pasted-URL guard: which addresses are never fetched (pure), and the transport
that judges every request and hop, pinned to the address it judged."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from conftest import BoardServer
from secondchance.fetch.guard import GuardedTransport, Refused, name_refusal, refusal, trusted
from secondchance.fetch.transports import guarded
from secondchance.sources import Request, default_endpoints

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),  # IPv4-mapped
        ("64:ff9b::7f00:1", "a loopback address"),  # NAT64 of 127.0.0.1
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("169.254.10.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("0.0.0.0", "the unspecified address (this machine)"),
        ("::", "the unspecified address (this machine)"),
        ("10.1.2.3", "a private network address"),
        ("192.168.1.1", "a private network address"),
        ("172.16.0.9", "a private network address"),
        ("fd12:3456::1", "a private network address"),
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("224.0.0.1", "not a public address"),
        ("240.0.0.1", "a private network address"),
    ],
)
def test_addresses_inside_a_machine_or_network_are_refused(address: str, reason: str) -> None:
    assert refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "2a00:1450:4001::200e", "151.101.1.69"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_names_refused_before_resolving_them() -> None:
    assert name_refusal("localhost") == "a loopback address"
    assert name_refusal("LOCALHOST.") == "a loopback address"
    assert name_refusal("app.localhost") == "a loopback address"
    assert name_refusal("metadata.google.internal") is not None
    assert name_refusal("acme.example") is None


def test_only_the_endpoints_the_watchlist_sets_are_trusted() -> None:
    defaults = default_endpoints()
    endpoints = {**defaults, "greenhouse": "http://127.0.0.1:8080/v1/boards/{token}/jobs"}
    assert trusted(endpoints, defaults) == frozenset({"127.0.0.1:8080"})
    assert trusted(defaults, defaults) == frozenset()


class Recorder(httpx.AsyncBaseTransport):
    """The transport behind the guard: records what reaches it, answers 200."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(200, text="ok")


async def test_a_name_is_pinned_to_the_address_judged_so_a_rebinding_cannot_slip_through() -> None:
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])

    async def rebinding(
        host: str, port: int
    ) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        return [ipaddress.ip_address(a) for a in next(answers)]

    inner = Recorder()
    transport = GuardedTransport(inner, resolve=rebinding)
    request = httpx.Request("GET", "https://jobs.acme.example/careers")
    await transport.handle_async_request(request)
    sent = inner.sent[0]
    # Connected to the address judged; the Host header and the TLS name stay the site's.
    assert sent.url.host == "93.184.215.14"
    assert sent.headers["Host"] == "jobs.acme.example"
    assert sent.extensions["sni_hostname"] == "jobs.acme.example"
    # The next look-up answers 127.0.0.1: refused, and nothing reaches the transport.
    with pytest.raises(Refused, match=r"resolves to 127\.0\.0\.1, which is a loopback address"):
        await transport.handle_async_request(request)
    assert len(inner.sent) == 1


async def test_a_name_with_any_private_address_is_refused() -> None:
    async def mixed(host: str, port: int) -> list[Address]:
        return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.5")]

    inner = Recorder()
    with pytest.raises(Refused, match="a private network address"):
        await GuardedTransport(inner, resolve=mixed).handle_async_request(
            httpx.Request("GET", "http://acme.example/")
        )
    assert inner.sent == []


async def test_real_requests_to_loopback_and_metadata_are_never_sent(boards: BoardServer) -> None:
    boards.set("/careers", "<html><body>jobs</body></html>", content_type="text/html")
    fetcher = guarded()
    try:
        for url in (
            f"{boards.url}/careers",
            f"http://localhost:{boards.port}/careers",
            f"http://[::1]:{boards.port}/careers",
            "http://169.254.169.254/latest/meta-data/",
            f"http://0.0.0.0:{boards.port}/careers",
        ):
            with pytest.raises(Refused, match="not fetched"):
                await fetcher.fetch(Request(url, expect="html"))
    finally:
        await fetcher.aclose()
    assert boards.requests == []


async def test_every_redirect_hop_is_judged(boards: BoardServer) -> None:
    other = BoardServer()
    try:
        other.set("/admin", "secret", content_type="text/plain")
        boards.set("/to-other", status=302, headers={"Location": f"{other.url}/admin"})
        boards.set("/to-metadata", status=301, headers={"Location": "http://169.254.169.254/"})
        boards.set("/careers", "<html>jobs</html>", content_type="text/html")
        # The board server is an endpoint the watchlist sets: trusted, its redirects not.
        fetcher = guarded(trusted=[f"127.0.0.1:{boards.port}"])
        try:
            page = await fetcher.fetch(Request(f"{boards.url}/careers", expect="html"))
            assert page.body == b"<html>jobs</html>"
            with pytest.raises(Refused, match=r"127\.0\.0\.1 is a loopback address"):
                await fetcher.fetch(Request(f"{boards.url}/to-other", expect="html"))
            with pytest.raises(Refused, match="cloud metadata"):
                await fetcher.fetch(Request(f"{boards.url}/to-metadata", expect="html"))
        finally:
            await fetcher.aclose()
        assert other.requests == []
    finally:
        other.close()
