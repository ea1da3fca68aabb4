"""web/security.py's decisions, without a server."""

from __future__ import annotations

import pytest

from secondchance.web import security

LOOPBACK = security.allowed_hosts("127.0.0.1:9464")


def test_loopback_allows_its_address_and_the_loopback_names_on_its_port() -> None:
    assert {"127.0.0.1:9464", "localhost:9464", "[::1]:9464"} == LOOPBACK
    assert security.host_allowed("LOCALHOST:9464", LOOPBACK)
    assert not security.host_allowed("localhost:9465", LOOPBACK)
    assert not security.host_allowed("evil.example", LOOPBACK)
    assert not security.host_allowed("evil.example:9464", LOOPBACK)
    assert not security.host_allowed(None, LOOPBACK)


def test_an_outside_address_allows_itself_and_the_hosts_of_the_watchlist() -> None:
    allowed = security.allowed_hosts("192.0.2.7:9464", ["dash.example", "nas.local:8080"])
    assert allowed == {"192.0.2.7:9464", "dash.example:9464", "nas.local:8080"}
    assert security.allowed_hosts("[::1]:80") == {
        "[::1]:80",
        "localhost:80",
        "127.0.0.1:80",
    }
    # Every address includes LOOPBACK, where a Host naming LOOPBACK is this machine's.
    assert "localhost:9464" in security.allowed_hosts("0.0.0.0:9464")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:9464", True),
        ("https://localhost:9464", True),
        ("http://evil.example", False),
        ("http://127.0.0.1:9464.evil.example", False),
        ("null", False),
        ("", False),
        (None, False),
        ("ftp://127.0.0.1:9464", False),
    ],
)
def test_an_origin_must_be_this_server(origin: str | None, allowed: bool) -> None:
    assert security.origin_allowed(origin, LOOPBACK) is allowed


def test_a_token_is_never_taken_from_a_query_string() -> None:
    assert security.token_in_query(["page", "Token"])
    assert security.token_in_query(["access_token"])
    assert not security.token_in_query(["page", "sort"])


def test_bearer_reads_only_a_bearer_header() -> None:
    assert security.bearer("Bearer abc") == "abc"
    assert security.bearer("bearer  abc ") == "abc"
    assert security.bearer("Basic abc") is None
    assert security.bearer("Bearer") is None
    assert security.bearer(None) is None


def test_what_each_path_needs() -> None:
    assert security.access("/healthz", "off") == "open"
    assert security.access("/login", "open") == "open"
    assert security.access("/static/app.css", "open") == "open"
    assert security.access("/", "open") == "token"
    assert security.access("/api/companies", "open") == "token"
    assert [security.access("/metrics", m) for m in ("open", "token", "off")] == [
        "open",
        "token",
        "absent",
    ]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/company/Acme?x=1", "/company/Acme?x=1"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_after_signing_in_the_way_stays_on_this_site(target: str | None, expected: str) -> None:
    assert security.safe_next(target) == expected
