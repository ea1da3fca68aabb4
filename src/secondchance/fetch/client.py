"""Polite fetching: one shared httpx client for every board.

Per-host concurrency limits, a total deadline per fetch, conditional GETs,
a body size cap and ``Retry-After`` are handled here, so sources stay pure and
the poller only sees a Response or a typed FetchError.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from secondchance import __version__
from secondchance.core.board import Validators
from secondchance.core.durations import format_duration
from secondchance.fetch.body import Response, charset_of, too_large, validators_of
from secondchance.fetch.errors import (
    FetchError,
    HTTPStatusError,
    RateLimited,
    Transient,
    status_error,
    untrusted,
)
from secondchance.fetch.proxies import Proxies, ProxyError, from_environment, redact
from secondchance.sources.interface import Request

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    f"secondchance/{__version__} (job-board watcher; +https://github.com/secondchance/secondchance)"
)


class Fetcher:
    """Fetches requests for every source through one httpx transport."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        per_host: int = 4,
        max_body: int = 20 * 1024 * 1024,
        user_agent: str | None = None,
        retries: int = 2,
        retry_delay: float = 1.0,
        max_retry_wait: float = 10.0,
        host_delay: float = 0.0,
        concurrency: int = 32,
        transport: httpx.AsyncBaseTransport | None = None,
        proxy_transport: Callable[[httpx.Proxy], httpx.AsyncBaseTransport] | None = None,
        proxies: Proxies | None = None,
    ) -> None:
        self.timeout = timeout
        self.per_host = per_host
        self.max_body = max_body
        self.retries = retries
        self.retry_delay = retry_delay
        self.max_retry_wait = max_retry_wait
        self.host_delay = host_delay
        self._hosts: dict[str, asyncio.Semaphore] = {}
        # All hosts together: a thousand boards must not open a thousand sockets.
        self._everyone = asyncio.Semaphore(concurrency)
        # Host → monotonic time its next request may start (the polite minimum delay).
        self._next_slot: dict[str, float] = {}
        # Host → monotonic time before which we must not ask it again.
        self._backoff: dict[str, float] = {}
        # The transport is called directly, not through an httpx.AsyncClient: the
        # client's per-request work (merging URLs and headers, the cookie jar,
        # auth and redirect plumbing) cost more CPU than aiohttp's whole exchange
        # (1,152 requests: 0.8 s through the client, 0.5 s on the transport).
        # Redirects and cookies are handled below, for the few boards that use them.
        limits = connection_limits(per_host)
        self._transport = transport or httpx.AsyncHTTPTransport(limits=limits)
        # HTTP(S)_PROXY and NO_PROXY, read once: one transport per proxy, made
        # when a request first needs it.
        self.proxies = from_environment() if proxies is None else proxies
        self._proxy_transport = proxy_transport or (
            lambda proxy: httpx.AsyncHTTPTransport(proxy=proxy, limits=limits)
        )
        self._via: dict[str, httpx.AsyncBaseTransport] = {}
        self._headers = {
            "User-Agent": user_agent or DEFAULT_USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
        }
        self._timeouts = _timeouts(timeout)
        self._cookies = httpx.Cookies()

    def reconfigure(
        self, *, timeout: float, per_host: int, max_body: int, host_delay: float = 0.0
    ) -> None:
        """New limits from a reloaded watchlist; connections are kept."""
        self.timeout, self.max_body, self.host_delay = timeout, max_body, host_delay
        self._timeouts = _timeouts(timeout)
        if per_host != self.per_host:
            self.per_host = per_host
            self._hosts.clear()  # new semaphores with the new size

    async def aclose(self) -> None:
        for transport in (self._transport, *self._via.values()):
            await transport.aclose()

    def _proxy_of(self, url: httpx.URL) -> str | None:
        """The proxy a request to ``url`` goes through; None to go direct.
        Raises ProxyError when that proxy cannot be used."""
        return self.proxies.for_url(url.scheme, url.host, url.port) if self.proxies else None

    def _transport_for(self, url: httpx.URL) -> httpx.AsyncBaseTransport:
        try:
            proxy = self._proxy_of(url)
        except ProxyError as exc:
            raise FetchError(str(exc)) from None
        if proxy is None:
            return self._transport
        transport = self._via.get(proxy)
        if transport is None:
            transport = self._via[proxy] = self._proxy_transport(httpx.Proxy(proxy))
        return transport

    def _connection_failed(self, url: str, reason: object) -> Transient:
        # Through a proxy, a connection that fails is the proxy's, not the board's.
        try:
            proxy = self._proxy_of(_url(url))
        except ProxyError:
            proxy = None
        via = f" through proxy {redact(proxy)}" if proxy else ""
        return Transient(f"connection failed{via}: {reason}")

    async def fetch(self, request: Request, validators: Validators | None = None) -> Response:
        """One request, with the whole exchange bounded by the timeout."""
        try:
            async with asyncio.timeout(self.timeout):
                return await self._fetch_with_retries(request, validators)
        except TimeoutError:
            raise FetchError(f"timed out after {self.timeout:g}s") from None

    async def _fetch_with_retries(
        self, request: Request, validators: Validators | None
    ) -> Response:
        host = urlsplit(request.url).netloc
        attempt = 0
        while True:
            await self._wait_for_host(host)
            try:
                async with self._semaphore(host), self._everyone:
                    await self._pace(host)
                    return await self._once(request, validators)
            except RateLimited as exc:
                wait = exc.retry_after if exc.retry_after is not None else self.retry_delay
                # Every board on this host waits, not just the one that was told to.
                self._backoff[host] = time.monotonic() + wait
                if attempt >= self.retries or wait > self.max_retry_wait:
                    raise
            except HTTPStatusError as exc:
                if exc.status < 500 or attempt >= self.retries:
                    raise
                wait = self.retry_delay * (2**attempt)
            except Transient as exc:
                if attempt >= self.retries:
                    raise FetchError(str(exc)) from None
                wait = self.retry_delay * (2**attempt)
            attempt += 1
            log.debug("retrying %s in %.1fs (attempt %d)", request.url, wait, attempt + 1)
            await asyncio.sleep(wait)

    async def _wait_for_host(self, host: str) -> None:
        until = self._backoff.get(host)
        if until is None:
            return
        remaining = until - time.monotonic()
        if remaining <= 0:
            self._backoff.pop(host, None)
            return
        if remaining > self.max_retry_wait:
            raise RateLimited(
                f"{host} asked us to wait {format_duration(remaining)} more (Retry-After)",
                429,
                remaining,
            )
        await asyncio.sleep(remaining)

    async def _pace(self, host: str) -> None:
        if self.host_delay <= 0:
            return
        now = time.monotonic()
        start = max(now, self._next_slot.get(host, now))
        self._next_slot[host] = start + self.host_delay
        if start > now:
            await asyncio.sleep(start - now)

    def _semaphore(self, host: str) -> asyncio.Semaphore:
        semaphore = self._hosts.get(host)
        if semaphore is None:
            semaphore = self._hosts[host] = asyncio.Semaphore(self.per_host)
        return semaphore

    async def _once(self, request: Request, validators: Validators | None) -> Response:
        """One exchange; at DEBUG, a line for it: method, URL, status, bytes, time."""
        started = time.monotonic()
        try:
            response = await self._exchange(request, validators)
        except Exception as exc:
            _trace(request, started, str(exc) or type(exc).__name__)
            raise
        _trace(request, started, response.status, response.size)
        return response

    async def _exchange(self, request: Request, validators: Validators | None) -> Response:
        headers = {**self._headers, "Accept": _ACCEPT[request.expect]}
        for name, value in request.headers:  # the source's own win, whatever their case
            for same in [key for key in headers if key.lower() == name.lower()]:
                del headers[same]
            headers[name] = value
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        try:
            response = await self._send(
                httpx.Request(
                    request.method,
                    _url(request.url),
                    headers=headers,
                    json=request.json_body,
                    extensions={"timeout": self._timeouts},
                )
            )
            try:
                status = response.status_code
                if status == 304 or status >= 400:
                    # Read the (empty or short) body, so the connection goes back to
                    # the pool instead of being closed: a 304 must stay cheap.
                    await self._read_capped(response)
                if status == 304:
                    if validators is None or not (validators.etag or validators.last_modified):
                        # Nothing was offered to compare with (a misbehaving cache or
                        # server): read as "unchanged", it would hide the board.
                        raise FetchError(
                            "answered 304 Not Modified to a request that was not conditional"
                        )
                    return Response(304, b"", validators, not_modified=True)
                if status >= 400:
                    raise status_error(response)
                raw = await self._read_capped(response)
                if not raw:
                    raise FetchError(f"empty response (HTTP {status} with no body)")
                return Response(
                    status,
                    raw,
                    validators_of(response.headers),
                    content_encoding=response.headers.get("content-encoding", ""),
                    max_body=self.max_body,
                    charset=charset_of(response.headers.get("content-type")),
                )
            finally:
                await response.aclose()
        except (httpx.TimeoutException, httpx.ConnectError) as exc:
            if (reason := untrusted(exc)) is not None:
                # Not worth a retry: the same certificate comes back.
                raise FetchError(
                    f"the site's TLS certificate is not trusted ({reason}); "
                    "behind a proxy that inspects TLS, set SSL_CERT_FILE to a CA bundle "
                    "that includes the proxy's"
                ) from exc
            if isinstance(exc, httpx.ConnectError):
                raise self._connection_failed(request.url, str(exc) or type(exc).__name__) from exc
            cause = exc.__cause__
            # The aiohttp transport reports every connection failure (DNS, refused)
            # as a ConnectTimeout; its cause says what really happened.
            if isinstance(cause, OSError) and not isinstance(cause, TimeoutError):
                raise self._connection_failed(request.url, cause) from exc
            raise Transient(f"timed out ({type(exc).__name__})") from exc
        except (httpx.ReadError, httpx.WriteError) as exc:
            raise self._connection_failed(request.url, str(exc) or type(exc).__name__) from exc
        except httpx.RemoteProtocolError as exc:
            raise Transient(f"server broke the connection: {exc}") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"invalid URL: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from exc

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """The transport's response, redirects followed (at most MAX_REDIRECTS)
        and cookies kept as a browser would; the caller closes it."""
        for _ in range(MAX_REDIRECTS + 1):
            if request.url.scheme not in ("http", "https"):
                raise httpx.UnsupportedProtocol(f"unsupported scheme in {request.url}")
            if not request.url.host:
                raise httpx.InvalidURL(f"no host in {request.url}")
            if self._cookies.jar:
                self._cookies.set_cookie_header(request)
            response = await self._transport_for(request.url).handle_async_request(request)
            response.request = request
            if "set-cookie" in response.headers:
                self._cookies.extract_cookies(response)
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or location is None:
                return response
            log.debug(
                "%s %s: %d, to %s", request.method, request.url, response.status_code, location
            )
            # The redirect's own body is read so its connection can be reused.
            try:
                await self._read_capped(response)
            finally:
                await response.aclose()
            request = _redirected(request, response.status_code, location)
        raise FetchError("too many redirects")

    async def _read_capped(self, response: httpx.Response) -> bytes:
        # The wire bytes, still compressed: decompressing is Response.body's job,
        # in one call (cheaper than httpx's chunk by chunk) and only when needed.
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > self.max_body:
                raise too_large(self.max_body)
            chunks.append(chunk)
        return b"".join(chunks)


def _trace(request: Request, started: float, status: object, size: int | None = None) -> None:
    if log.isEnabledFor(logging.DEBUG):
        took = time.monotonic() - started
        read = "" if size is None else f", {size} byte{'' if size == 1 else 's'}"
        log.debug("%s %s: %s%s (%.2fs)", request.method, request.url, status, read, took)


def connection_limits(per_host: int) -> httpx.Limits:
    """The connection pool of a transport: room for every host's share."""
    return httpx.Limits(max_connections=per_host * 16, max_keepalive_connections=32)


MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@functools.lru_cache(maxsize=8192)
def _url(url: str) -> httpx.URL:
    # A daemon asks for the same board URLs every cycle, and httpx parses a URL
    # in Python; an httpx.URL is immutable, so one parse serves every poll.
    return httpx.URL(url)


def _timeouts(timeout: float) -> dict[str, float]:
    return httpx.Timeout(timeout, connect=min(timeout, 10.0)).as_dict()  # type: ignore[return-value]


def _redirected(request: httpx.Request, status: int, location: str) -> httpx.Request:
    """The request a redirect asks for, as httpx's client would build it: 303 (and
    301/302 after a POST) become a GET without a body; credentials and cookies
    are not carried to another origin."""
    try:
        url = request.url.join(location)
    except httpx.InvalidURL as exc:
        raise FetchError(f"the server redirected to an invalid URL: {exc}") from None
    method = request.method
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method = "GET"
    headers = httpx.Headers(request.headers)
    headers.pop("Host", None)
    headers.pop("Cookie", None)
    if url.scheme != request.url.scheme or url.host != request.url.host:
        headers.pop("Authorization", None)
    content: bytes | None = None
    if method == request.method:
        content = request.content
    else:
        for name in ("Content-Length", "Content-Type", "Transfer-Encoding"):
            headers.pop(name, None)
    return httpx.Request(
        method, url, headers=headers, content=content, extensions=request.extensions
    )


_ACCEPT = {
    "json": "application/json",
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "xml": "application/xml,text/xml;q=0.9,*/*;q=0.8",
}
