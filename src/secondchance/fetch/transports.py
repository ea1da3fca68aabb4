"""The Fetcher a watchlist's [settings] ask for, on the fastest transport installed.

aiohttp's C HTTP parser under the httpx API (fetch/aio.py) makes the same requests for
a fraction of the CPU of httpx's own transport (benchmarks/README.md); httpx's is the
fallback where aiohttp is missing. Each proxy gets a transport of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import httpx

from secondchance import logs
from secondchance.config import Settings
from secondchance.fetch.client import Fetcher, connection_limits
from secondchance.fetch.guard import GuardedTransport

log = logging.getLogger(__name__)


def fast_transport(
    per_host: int, proxy: httpx.Proxy | None = None
) -> httpx.AsyncBaseTransport | None:
    """The aiohttp transport, when aiohttp is installed."""
    try:
        from secondchance.fetch.aio import Transport
    except ImportError:
        return None
    return Transport(limits=connection_limits(per_host), proxy=proxy)


def for_settings(settings: Settings) -> Fetcher:
    """A Fetcher with the watchlist's limits, proxies from the environment."""

    def through(proxy: httpx.Proxy) -> httpx.AsyncBaseTransport:
        fast = fast_transport(settings.per_host, proxy)
        return fast if fast is not None else httpx.AsyncHTTPTransport(proxy=proxy)

    fetcher = Fetcher(
        transport=fast_transport(settings.per_host),
        proxy_transport=through,
        timeout=settings.timeout,
        per_host=settings.per_host,
        max_body=settings.max_body_bytes,
        user_agent=settings.user_agent,
        host_delay=settings.per_host_delay,
        concurrency=settings.concurrency,
    )
    # Libraries' own messages might quote a proxy URL whole.
    logs.keep_secrets(fetcher.proxies.passwords())
    for line in fetcher.proxies.describe():
        log.info("proxy: %s", line)
    return fetcher


def reconfigure(fetcher: Fetcher, settings: Settings) -> None:
    """A reloaded watchlist's limits; the connections are kept."""
    fetcher.reconfigure(
        timeout=settings.timeout,
        per_host=settings.per_host,
        max_body=settings.max_body_bytes,
        host_delay=settings.per_host_delay,
    )


def guarded(trusted: Iterable[str] = (), *, timeout: float = 20.0) -> Fetcher:
    """A Fetcher for URLs someone pasted (the dashboard's discover): every request and
    every redirect hop to a public address only, pinned to it (fetch/guard.py);
    ``trusted``: the ``host:port`` of endpoints the watchlist itself sets."""
    limits = connection_limits(2)

    def through(proxy: httpx.Proxy) -> httpx.AsyncBaseTransport:
        inner = httpx.AsyncHTTPTransport(proxy=proxy, limits=limits)
        return GuardedTransport(inner, trusted=trusted, direct=False)

    return Fetcher(
        transport=GuardedTransport(httpx.AsyncHTTPTransport(limits=limits), trusted=trusted),
        proxy_transport=through,
        timeout=timeout,
        retries=1,
        per_host=2,
        max_body=5 * 1024 * 1024,
    )
