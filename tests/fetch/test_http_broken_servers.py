"""Servers that break HTTP itself, on a raw socket on 127.0.0.1: every one
fails that fetch with a FetchError that says what happened, within the
timeout, through both transports (httpcore, and the aiohttp one the daemon
uses). Anything else would surface as an "internal error" with a traceback.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest

from secondchance.fetch.aio import Transport
from secondchance.fetch.client import Fetcher
from secondchance.fetch.errors import FetchError
from secondchance.sources.interface import Request

TIMEOUT = 1.0


def answer(body: bytes, headers: bytes = b"", status: bytes = b"200 OK") -> bytes:
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\nContent-Type: application/json\r\n"
        + headers
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


@dataclass(frozen=True)
class Case:
    send: bytes = b""
    then: str = "close"  # close | reset | hang | drip | keep
    error: str | None = None  # a FetchError matching this, or None: a 200


CASES = {
    "reset before any answer": Case(then="reset", error="connection failed|broke the connection"),
    "closed before any answer": Case(error="connection failed|broke the connection|timed out"),
    "silent after the request": Case(then="hang", error=f"timed out after {TIMEOUT:g}s"),
    "headers, then silence": Case(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{", "hang", f"timed out after {TIMEOUT:g}s"
    ),
    "a body cut short": Case(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{", error="connection failed|broke"
    ),
    "a garbage status line": Case(b"HTTP/1.1 abc\r\n\r\n", error="broke the connection"),
    "not HTTP at all": Case(b"SSH-2.0-OpenSSH_9.2\r\n", error="broke the connection"),
    "a header past any limit": Case(
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\nContent-Length: 2\r\n\r\n{}",
        error="broke the connection",
    ),
    "a body dripping past the deadline": Case(then="drip", error=f"timed out after {TIMEOUT:g}s"),
    "an endless chunked body": Case(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + (b"4000\r\n" + b"a" * 0x4000 + b"\r\n") * 200,
        error="larger than 1 MB",
    ),
    "gzip that is not gzip": Case(
        answer(b"not gzip", b"Content-Encoding: gzip\r\n"), "keep", "could not decode"
    ),
    "a gzip bomb": Case(
        answer(gzip.compress(b"0" * 20_000_000), b"Content-Encoding: gzip\r\n"),
        "keep",
        "larger than 1 MB",
    ),
    "HTTP/1.0 without a length, ended by close": Case(b'HTTP/1.0 200 OK\r\n\r\n{"jobs": []}'),
}


async def serve(case: Case, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.readuntil(b"\r\n\r\n")
        if case.then == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if case.then == "drip":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(TIMEOUT / 20)
        writer.write(case.send)
        await writer.drain()
        if case.then in ("hang", "keep"):
            await asyncio.sleep(TIMEOUT * 5)
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


TRANSPORTS: dict[str, Callable[[], httpx.AsyncBaseTransport | None]] = {
    "httpcore": lambda: None,
    "aiohttp": Transport,
}


@pytest.fixture(params=sorted(TRANSPORTS))
async def fetcher(request: pytest.FixtureRequest) -> AsyncIterator[Fetcher]:
    client = Fetcher(
        retries=1,
        retry_delay=0,
        timeout=TIMEOUT,
        max_body=1024 * 1024,
        transport=TRANSPORTS[request.param](),
    )
    yield client
    await client.aclose()


@pytest.mark.parametrize("name", list(CASES))
async def test_a_broken_server_fails_the_fetch_cleanly(fetcher: Fetcher, name: str) -> None:
    case = CASES[name]
    server = await asyncio.start_server(
        lambda r, w: serve(case, r, w), "127.0.0.1", 0, limit=1 << 20
    )
    port = server.sockets[0].getsockname()[1]
    request = Request(url=f"http://127.0.0.1:{port}/v1/boards/acme/jobs")
    try:
        async with asyncio.timeout(TIMEOUT * 4):  # bounded, retry included
            if case.error is None:
                response = await fetcher.fetch(request)
                assert response.body == b'{"jobs": []}'
                return
            with pytest.raises(FetchError, match=case.error) as caught:
                _ = (await fetcher.fetch(request)).body  # a body is decoded when read
        message = str(caught.value)
        assert "\n" not in message and len(message) < 300, message
    finally:
        server.close()
