"""Certificates are verified, and SSL_CERT_FILE adds a CA, on both transports.

A board over https on 127.0.0.1 whose certificate is signed by a test CA
(tests/fixtures/tls: ``ca.pem``, and ``server.pem`` + ``server.key`` for
127.0.0.1 and localhost, valid until 2126; made with ``openssl req -x509`` and
``openssl x509 -req``). Without the CA the fetch fails and says why; with
``SSL_CERT_FILE`` pointing at it, as for a proxy that inspects TLS, it succeeds;
and through an HTTP proxy that tunnels (CONNECT), as corporate proxies do, the
certificate is still checked end to end.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from typing import Any

import httpx
import pytest

from conftest import FIXTURES
from secondchance.fetch.aio import Transport
from secondchance.fetch.client import Fetcher
from secondchance.fetch.errors import FetchError
from secondchance.fetch.proxies import Proxies, from_environment
from secondchance.sources.interface import Request

TLS = FIXTURES / "tls"
BOARD = b'{"jobs": []}'


class _TLSServer(ThreadingHTTPServer):
    def __init__(self, context: ssl.SSLContext, *args: Any) -> None:
        self.context = context
        self.connections = 0
        super().__init__(*args)

    def get_request(self) -> tuple[socket, Any]:
        # The handshake happens in the handler's thread, on first read: a client
        # that refuses the certificate must not stop the accepting thread.
        raw, address = super().get_request()
        self.connections += 1
        return self.context.wrap_socket(
            raw, server_side=True, do_handshake_on_connect=False
        ), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the refused handshakes are the point


@pytest.fixture
def https_board() -> Iterator[_TLSServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "server.pem", TLS / "server.key")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BOARD)))
            self.end_headers()
            self.wfile.write(BOARD)

    server = _TLSServer(context, ("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


TRANSPORTS: dict[str, Callable[[], httpx.AsyncBaseTransport]] = {
    "aiohttp": Transport,
    "httpcore": httpx.AsyncHTTPTransport,
}


async def _fetch(transport: str, server: _TLSServer) -> bytes:
    url = f"https://127.0.0.1:{server.server_address[1]}/v1/boards/acme/jobs"
    # The transport reads SSL_CERT_FILE when it is built, as the daemon's is at start.
    fetcher = Fetcher(
        transport=TRANSPORTS[transport](), proxies=Proxies(), retry_delay=0.01, timeout=5
    )
    try:
        return (await fetcher.fetch(Request(url=url, expect="json"))).body
    finally:
        await fetcher.aclose()


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
async def test_a_certificate_from_an_unknown_ca_fails_the_fetch(
    transport: str, https_board: _TLSServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    message = r"TLS certificate is not trusted \(unable to get local issuer certificate\)"
    with pytest.raises(FetchError, match=message) as failure:
        await _fetch(transport, https_board)
    assert "set SSL_CERT_FILE" in str(failure.value)
    assert https_board.connections == 1  # not retried: the same certificate would come back


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
async def test_ssl_cert_file_adds_a_ca(
    transport: str, https_board: _TLSServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "ca.pem"))
    assert await _fetch(transport, https_board) == BOARD


class _ConnectProxy:
    """An HTTP proxy that only tunnels (CONNECT), as corporate proxies do for https."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except ConnectionError:
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
async def test_https_goes_through_a_connect_proxy_with_the_certificate_checked_end_to_end(
    transport: str, https_board: _TLSServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The common corporate set-up: https boards, HTTPS_PROXY=http://proxy:port.
    proxy = _ConnectProxy()
    await proxy.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "ca.pem"))
    port = https_board.server_address[1]
    url = f"https://127.0.0.1:{port}/v1/boards/acme/jobs"
    fetcher = Fetcher(
        transport=TRANSPORTS[transport](),
        proxy_transport=lambda p: TRANSPORTS_VIA[transport](p),
        proxies=from_environment({"HTTPS_PROXY": f"http://127.0.0.1:{proxy.port}"}),
        retries=0,
        timeout=5,
    )
    try:
        assert (await fetcher.fetch(Request(url=url, expect="json"))).body == BOARD
    finally:
        await fetcher.aclose()
        await proxy.close()
    assert proxy.tunnels == [f"127.0.0.1:{port}"]


TRANSPORTS_VIA: dict[str, Callable[[httpx.Proxy], httpx.AsyncBaseTransport]] = {
    "aiohttp": lambda proxy: Transport(proxy=proxy),
    "httpcore": lambda proxy: httpx.AsyncHTTPTransport(proxy=proxy),
}
