"""Optional HTTP endpoint: /healthz and Prometheus /metrics.

A few lines of asyncio instead of a web framework: two read-only GET
routes on a loopback address (the default), nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

from secondchance import metrics
from secondchance.config.tables import parse_listen

log = logging.getLogger(__name__)


class ListenError(Exception):
    """The status server cannot listen where the watchlist says (the port is taken,
    the address is not this machine's): the message names the address."""


class StatusServer:
    """Serves /healthz (200 while ``healthy()`` says so) and /metrics."""

    def __init__(self, listen: str, healthy: Callable[[], tuple[bool, str]]) -> None:
        self.host, self.port = parse_listen(listen)
        self.healthy = healthy
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        metrics.enable()  # someone will read them now: record from the first poll on
        try:
            self._server = await asyncio.start_server(self._handle, self.host, self.port)
        except OSError as exc:
            raise ListenError(
                f"[server] listen: cannot listen on {self.host}:{self.port}: "
                # asyncio rewords the error around the address; the system's words do.
                + (os.strerror(exc.errno) if exc.errno else str(exc))
            ) from exc
        sockets = self._server.sockets or ()
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("serving /healthz and /metrics on %s:%d", self.host, self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), timeout=5)
            # Drain the headers; the routes need none of them.
            while (await asyncio.wait_for(reader.readline(), timeout=5)) not in (
                b"\r\n",
                b"\n",
                b"",
            ):
                pass
            parts = request.decode("latin-1").split()
            path = parts[1].split("?", 1)[0] if len(parts) >= 2 else ""
            if len(parts) < 2 or parts[0] not in ("GET", "HEAD"):
                status, body, kind = "405 Method Not Allowed", b"GET only\n", "text/plain"
            elif path == "/metrics":
                status, body = "200 OK", metrics.exposition()
                kind = "text/plain; version=0.0.4; charset=utf-8"
            elif path == "/healthz":
                ok, reason = self.healthy()
                status = "200 OK" if ok else "503 Service Unavailable"
                body, kind = f"{'ok' if ok else 'unhealthy'}: {reason}\n".encode(), "text/plain"
            else:
                status, body, kind = "404 Not Found", b"not found\n", "text/plain"
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            writer.write(head if parts[:1] == ["HEAD"] else head + body)
            await writer.drain()
        except (TimeoutError, ConnectionError, UnicodeDecodeError):
            pass
        finally:
            writer.close()
