"""The dashboard's security decisions, as pure functions of a request's parts: which
Host and Origin values are allowed, which headers every response carries, which
paths need the token. web/server.py applies them; tests/web/test_security.py checks
them without a server."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from secondchance.config.tables import is_loopback, parse_listen

# No inline script or style, nothing from elsewhere, no framing, forms post here only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Requests that change something: Origin is checked on each.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Query parameters that would carry the token into access logs and browser history.
TOKEN_PARAMETERS = frozenset({"token", "access_token", "auth", "bearer"})
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
_WILDCARDS = ("0.0.0.0", "::")

Metrics = Literal["open", "token", "off"]
# The session cookie a login hands out (web/auth.py), also what CSRF tokens are tied to.
COOKIE = "secondchance_session"


def host_port(host: str, port: int) -> str:
    """The Host header a browser sends for this address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def allowed_hosts(listen: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host header values (lower case, with port) the server answers: the listen
    address; the loopback names when it listens on loopback (or on every address,
    which includes loopback: a Host naming loopback was typed by this machine's user,
    never supplied by a rebinding DNS name); and ``[server] hosts``. A host in
    ``extra`` without a port is allowed on the listen port."""
    host, port = parse_listen(listen)
    allowed = {host_port(host, port)}
    if is_loopback(host) or host in _WILDCARDS:
        allowed.update(f"{name}:{port}" for name in _LOOPBACK_NAMES)
    for name in extra:
        has_port = name.rsplit(":", 1)[-1].isdigit() and not name.endswith("]")
        allowed.add(name if has_port else f"{name}:{port}")
    return frozenset(value.lower() for value in allowed)


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's Host header names this server. A rebinding page's requests
    carry its own name (evil.example): refused, whatever the address it resolved to."""
    return header is not None and header.strip().lower() in allowed


def origin_allowed(origin: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's Origin is one of this server's own (http or https). "null"
    (a sandboxed frame, a file: page) and a missing Origin are not."""
    if not origin:
        return False
    scheme, sep, rest = origin.strip().lower().partition("://")
    return bool(sep) and scheme in ("http", "https") and rest in allowed


def same_origin_form(origin: str | None, fetch_site: str | None) -> bool:
    """A form of this dashboard's own page: under ``Referrer-Policy: no-referrer`` a
    browser sends ``Origin: null`` with it, and says ``Sec-Fetch-Site: same-origin``,
    a header no page can set (the CSRF token is checked as well)."""
    return origin == "null" and (fetch_site or "").strip().lower() == "same-origin"


def token_in_query(names: Iterable[str]) -> bool:
    """A token in a URL ends up in access logs, proxies' logs and the history: refused,
    so a feed reader configured that way fails at once instead of leaking quietly."""
    return any(name.lower() in TOKEN_PARAMETERS for name in names)


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


# What a path needs: "open" (anyone who passed the Host check), "token" (a session
# cookie or a bearer token, when a token is set), "absent" (404).
Need = Literal["open", "token", "absent"]


def access(path: str, metrics: Metrics) -> Need:
    if path == "/healthz" or path == "/login" or path.startswith("/static/"):
        # Health checks carry no credentials; the login form and the stylesheet are
        # what an anonymous visitor needs to sign in, and hold no data.
        return "open"
    if path == "/metrics":
        return "absent" if metrics == "off" else metrics
    return "token"


def cacheable(path: str) -> bool:
    """Only the static files: every other response may hold the user's data."""
    return path.startswith("/static/")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site
    ("//evil.example" and "/\\evil.example" are other sites to a browser)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target
