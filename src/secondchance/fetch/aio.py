"""The aiohttp transport the daemon uses, with the errors httpx-aiohttp leaves raw.

httpx-aiohttp maps aiohttp's connection, timeout and payload errors to httpx's,
but not ``ClientResponseError``: what aiohttp raises when a server's answer is
not HTTP at all (a bad status line, a header past its size limit). Unmapped, it
escaped the fetcher as an internal error with a traceback; mapped, it is what
it is, a server that broke the protocol, and fails that board like any other.
Imported only when the transport is built (aiohttp costs ~0.15 s to import).
"""

from __future__ import annotations

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport


class Transport(AiohttpTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except aiohttp.ClientResponseError as exc:
            raise httpx.RemoteProtocolError(_reason(exc), request=request) from exc


def _reason(exc: aiohttp.ClientResponseError) -> str:
    # aiohttp's parser messages span lines and quote the bytes it choked on:
    # the first line is the reason ("Bad status line").
    first = (exc.message or type(exc).__name__).strip().splitlines()[0].rstrip(":")
    return f"malformed response: {first[:120]}"
