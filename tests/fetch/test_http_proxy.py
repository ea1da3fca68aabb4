"""HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY, as other tools read them.

The fetcher calls its transport directly, so the environment is read by
secondchance.fetch.proxies, not by an httpx client. The end-to-end tests run a real
forward proxy on 127.0.0.1 and ask for a host that cannot resolve
(``*.invalid``): the only way the answer can arrive is through the proxy.
"""

from __future__ import annotations

import base64
import logging
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import BoardServer
from secondchance import logs
from secondchance.config import load
from secondchance.fetch.aio import Transport
from secondchance.fetch.client import Fetcher
from secondchance.fetch.errors import FetchError
from secondchance.fetch.proxies import Proxies, ProxyError, bypassed, from_environment, redact
from secondchance.fetch.transports import for_settings
from secondchance.sources.interface import Request

BOARD = b'{"jobs": [{"id": 1, "title": "Engineer"}]}'


class ForwardProxy:
    """A plain HTTP forward proxy that answers every request itself, recording
    the request line and the Proxy-Authorization it was given."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy.seen.append((self.path, self.headers.get("Proxy-Authorization")))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(BOARD)))
                self.end_headers()
                self.wfile.write(BOARD)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    server = ForwardProxy()
    yield server
    server.close()


def _aiohttp(proxy: httpx.Proxy | None = None) -> httpx.AsyncBaseTransport:
    return Transport(proxy=proxy)


def _httpcore(proxy: httpx.Proxy | None = None) -> httpx.AsyncBaseTransport:
    return httpx.AsyncHTTPTransport(proxy=proxy)


TRANSPORTS = {"aiohttp": _aiohttp, "httpcore": _httpcore}
Make = Callable[[httpx.Proxy | None], httpx.AsyncBaseTransport]


@pytest.fixture(params=sorted(TRANSPORTS))
async def make(request: pytest.FixtureRequest) -> AsyncIterator[Make]:
    yield TRANSPORTS[request.param]


async def _fetch(make: Make, environ: dict[str, str], url: str) -> bytes:
    fetcher = Fetcher(
        transport=make(None),
        proxy_transport=make,
        proxies=from_environment(environ),
        timeout=3.0,
        retries=0,
    )
    try:
        return (await fetcher.fetch(Request(url=url, expect="json"))).body
    finally:
        await fetcher.aclose()


# -- through a real proxy ------------------------------------------------------------


async def test_a_board_is_fetched_through_http_proxy_with_its_credentials(
    make: Make, proxy: ForwardProxy
) -> None:
    credentials = proxy.url.replace("http://", "http://scout:s3cret@")
    url = "http://boards.example.invalid/v1/boards/acme/jobs"
    assert await _fetch(make, {"HTTP_PROXY": credentials}, url) == BOARD
    assert proxy.seen == [(url, "Basic " + base64.b64encode(b"scout:s3cret").decode())]


async def test_all_proxy_serves_a_scheme_without_its_own(make: Make, proxy: ForwardProxy) -> None:
    url = "http://lever.example.invalid/v0/postings/acme"
    assert await _fetch(make, {"all_proxy": proxy.url}, url) == BOARD
    assert [path for path, _ in proxy.seen] == [url]


async def test_no_proxy_hosts_are_fetched_directly(make: Make, proxy: ForwardProxy) -> None:
    boards = BoardServer()
    boards.set("/v1/boards/acme/jobs", BOARD)
    try:
        environ = {"HTTP_PROXY": proxy.url, "NO_PROXY": "localhost,127.0.0.1"}
        assert await _fetch(make, environ, f"{boards.url}/v1/boards/acme/jobs") == BOARD
    finally:
        boards.close()
    assert proxy.seen == []
    assert boards.hits == {"/v1/boards/acme/jobs": 1}


async def test_an_https_proxy_setting_leaves_http_urls_direct(
    make: Make, proxy: ForwardProxy
) -> None:
    boards = BoardServer()
    boards.set("/jobs", BOARD)
    try:
        assert await _fetch(make, {"HTTPS_PROXY": proxy.url}, f"{boards.url}/jobs") == BOARD
    finally:
        boards.close()
    assert proxy.seen == []


async def test_a_socks_proxy_fails_the_fetch_instead_of_going_direct(make: Make) -> None:
    boards = BoardServer()
    boards.set("/jobs", BOARD)
    try:
        environ = {"ALL_PROXY": "socks5://scout:s3cret@127.0.0.1:1080"}
        with pytest.raises(FetchError, match=r"socks5://127\.0\.0\.1:1080 is not supported"):
            await _fetch(make, environ, f"{boards.url}/jobs")
    finally:
        boards.close()
    assert boards.hits == {}


async def test_a_proxy_that_is_down_is_named_in_the_error(make: Make) -> None:
    with socket.socket() as placeholder:  # a port nothing listens on
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    environ = {"HTTP_PROXY": f"http://scout:s3cret@127.0.0.1:{port}"}
    with pytest.raises(FetchError) as failure:
        await _fetch(make, environ, "http://boards.example.invalid/jobs")
    message = str(failure.value)
    assert f"connection failed through proxy http://127.0.0.1:{port}" in message
    assert "s3cret" not in message


async def test_the_daemon_fetcher_reads_the_environment_and_logs_no_password(
    proxy: ForwardProxy,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url.replace("http://", "http://scout:s3cret@"))
    monkeypatch.setenv("HTTP_PROXY", proxy.url.replace("http://", "http://scout:s3cret@"))
    monkeypatch.setenv("NO_PROXY", "intranet.example")
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text('[[company]]\nname = "Acme"\ngreenhouse = "acme"\n')
    config = load(watchlist)
    with caplog.at_level(logging.INFO, logger="secondchance"):
        fetcher = for_settings(config.settings)
    try:
        url = "http://boards.example.invalid/v1/boards/acme/jobs"
        assert (await fetcher.fetch(Request(url=url, expect="json"))).body == BOARD
    finally:
        await fetcher.aclose()
    assert [path for path, _ in proxy.seen] == [url]
    assert f"https:// requests through {proxy.url}" in caplog.text
    assert "intranet.example" in caplog.text
    assert "s3cret" not in caplog.text and "scout" not in caplog.text
    assert "s3cret" not in repr(fetcher.proxies)


async def test_a_proxy_password_is_masked_in_every_log_line_even_after_a_reload(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://scout:s3cretpass@127.0.0.1:3128")
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text('[[company]]\nname = "Acme"\ngreenhouse = "acme"\n')
    logs.setup("INFO")
    fetcher = for_settings(load(watchlist).settings)
    await fetcher.aclose()
    # A library quoting the proxy URL whole, before and after a watchlist reload.
    logging.getLogger("aiohttp.client").warning("no route to http://scout:s3cretpass@127.0.0.1")
    logs.setup_secrets(["unrelated-secret-value"])
    logging.getLogger("aiohttp.client").warning("proxy said no to s3cretpass")
    err = capsys.readouterr().err
    assert "s3cretpass" not in err
    assert "no route to http://scout:***@127.0.0.1" in err
    assert "proxy said no to ***" in err


# -- reading the environment (pure) ------------------------------------------------------


def test_nothing_set_means_direct() -> None:
    proxies = from_environment({})
    assert not proxies
    assert proxies.for_url("https", "boards-api.greenhouse.io") is None
    assert proxies.describe() == []


def test_each_scheme_has_its_proxy_and_lower_case_wins() -> None:
    proxies = from_environment(
        {"HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128"}
    )
    assert proxies.for_url("https", "api.lever.co") == "http://lower:3128"
    assert proxies.for_url("http", "api.lever.co") is None


def test_a_proxy_without_a_scheme_is_an_http_proxy() -> None:
    proxies = from_environment({"HTTPS_PROXY": "proxy.corp:3128"})
    assert proxies.for_url("https", "api.ashbyhq.com") == "http://proxy.corp:3128"


def test_http_proxy_is_ignored_in_a_cgi_request() -> None:
    # httpoxy: in CGI, a client's "Proxy:" header arrives as HTTP_PROXY.
    proxies = from_environment({"HTTP_PROXY": "http://evil:80", "REQUEST_METHOD": "GET"})
    assert proxies.for_url("http", "example.com") is None


@pytest.mark.parametrize(
    ("no_proxy", "host", "port", "direct"),
    [
        ("*", "boards-api.greenhouse.io", 443, True),
        ("greenhouse.io", "boards-api.greenhouse.io", 443, True),
        (".greenhouse.io", "greenhouse.io", 443, True),
        ("*.greenhouse.io", "boards-api.greenhouse.io", 443, True),
        ("greenhouse.io", "notgreenhouse.io", 443, False),
        ("intranet:8080", "intranet", 8080, True),
        ("intranet:8080", "intranet", 443, False),
        ("10.0.0.0/8", "10.1.2.3", 80, True),
        ("10.0.0.0/8", "jobs.example", 80, False),
        ("::1", "::1", 443, True),
        ("localhost 127.0.0.1", "127.0.0.1", 80, True),
        ("", "jobs.example", 443, False),
    ],
)
def test_no_proxy_forms(no_proxy: str, host: str, port: int, direct: bool) -> None:
    assert bypassed(no_proxy, host, port) is direct


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("socks5://127.0.0.1:1080", "is not supported"),
        ("http://proxy.corp:port", "has an invalid port"),
        ("http://", "names no host"),
    ],
)
def test_a_proxy_that_cannot_be_used_says_why(value: str, reason: str) -> None:
    with pytest.raises(ProxyError, match=reason):
        from_environment({"HTTPS_PROXY": value}).for_url("https", "api.lever.co")


def test_redact_keeps_scheme_host_and_port_only() -> None:
    assert redact("http://user:pa%40ss@proxy.corp:3128/path") == "http://proxy.corp:3128"
    assert redact("http://[::1]:3128") == "http://[::1]:3128"
    assert "pw" not in repr(Proxies({"https": "http://u:pw@p:1"}))
