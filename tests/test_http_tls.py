"""Certificates are verified, and SSL_CERT_FILE adds a CA, on both transports.

A board over https on 127.0.0.1 whose certificate is signed by a test CA
(tests/fixtures/tls: ``ca.pem``, and ``server.pem`` + ``server.key`` for
127.0.0.1 and localhost, valid until 2126; made with ``openssl req -x509`` and
``openssl x509 -req``). Without the CA the fetch fails and says why; with
``SSL_CERT_FILE`` pointing at it, as for a proxy that inspects TLS, it succeeds.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from typing import Any

import httpx
import pytest

from conftest import FIXTURES
from secondchance.aio import Transport
from secondchance.http import Fetcher, FetchError
from secondchance.proxies import Proxies
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
