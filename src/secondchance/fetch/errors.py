"""How a fetch fails: typed errors the poll reports, and the reading of HTTP statuses,
Retry-After and TLS failures into them."""

from __future__ import annotations

import email.utils
import ssl
import time

import httpx

from secondchance.sources.interface import SourceError


class FetchError(SourceError):
    """The board could not be fetched; the poll failed, the snapshot stays."""


class NotFound(FetchError):
    """404/410: usually a wrong board token or site name."""


class HTTPStatusError(FetchError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(HTTPStatusError):
    def __init__(self, message: str, status: int, retry_after: float | None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class Transient(Exception):
    """Network-level trouble worth a quick retry."""


# The longest Retry-After obeyed: every board on the host waits that long, and an
# absurd value (a year, a date in 2099) would otherwise stop them until a restart.
MAX_RETRY_AFTER = 24 * 3600.0


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date),
    at most MAX_RETRY_AFTER."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    now = time.time() if now is None else now
    return min(max(0.0, when.timestamp() - now), MAX_RETRY_AFTER)


def untrusted(exc: BaseException) -> str | None:
    """Why the certificate was refused, when that is what failed the connection
    (both transports chain ssl's error a level or two down; aiohttp's own error
    subclasses it without the reason)."""
    current: BaseException | None = exc
    found: str | None = None
    for _ in range(8):
        if current is None:
            break
        if isinstance(current, ssl.SSLCertVerificationError):
            found = getattr(current, "verify_message", None) or found or "verify failed"
        current = current.__cause__ or current.__context__
    return found


def status_error(response: httpx.Response) -> FetchError:
    status = response.status_code
    if status in (404, 410):
        return NotFound(f"not found (HTTP {status}): check the board name")
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if status == 429 or retry_after is not None:
            hint = f", Retry-After {retry_after:.0f}s" if retry_after is not None else ""
            return RateLimited(f"rate limited (HTTP {status}{hint})", status, retry_after)
    if status in (401, 403):
        return HTTPStatusError(f"access denied (HTTP {status}); the site may block bots", status)
    return HTTPStatusError(f"server error (HTTP {status})", status)
