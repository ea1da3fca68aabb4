"""The token: checked in constant time, exchanged once for a session cookie on the
login page, or sent as ``Authorization: Bearer ...`` by scripts and feed readers.

``[server] token`` is either the token itself (at least 32 characters) or a password
hash ``pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`` (Django's format), made by
``python -m secondchance.web.auth`` from a password read on standard input, so the
watchlist need not hold the password.

Sessions live in the process's memory: a restart signs everyone out, and nothing
about them is ever written to disk.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import secrets
import sys
import time
from dataclasses import dataclass, field

from aiohttp import web

from secondchance.config.tables import PASSWORD_HASH
from secondchance.web import csrf
from secondchance.web.security import COOKIE, bearer, safe_next

SESSION_SECONDS = 30 * 86400
# OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
ITERATIONS = 600_000
# Wrong tokens from one address before the login page refuses it for a while: a
# password hash can be weaker than a 32-character token, and online guessing is slow
# anyway (one hash at a time), but it should not be endless.
LOGIN_FAILURES = 10
LOGIN_WINDOW = 600.0


def hash_password(password: str, *, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_urlsafe(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(digest).decode()}"


def _matches_hash(given: str, stored: str) -> bool:
    found = PASSWORD_HASH.match(stored)
    if found is None:
        return False
    iterations, salt, expected = int(found[1]), found[2], found[3]
    digest = hashlib.pbkdf2_hmac("sha256", given.encode(), salt.encode(), iterations)
    return hmac.compare_digest(base64.b64encode(digest).decode().encode(), expected.encode())


@dataclass
class Guard:
    """The token of ``[server] token`` (None: no token, pages are open) and the
    sessions handed out for it."""

    token: str | None
    sessions: dict[str, float] = field(default_factory=dict)
    # Bearer values already found to match a password hash, by their SHA-256: a feed
    # reader polling every minute would otherwise cost a hash computation each time.
    _known: set[bytes] = field(default_factory=set)
    _hashing: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Recent failed logins by client address (the times they happened).
    _failures: dict[str, list[float]] = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return self.token is not None

    async def check(self, given: str) -> bool:
        """Whether ``given`` is the token, in time that does not depend on how much of
        it is right (hmac.compare_digest)."""
        if self.token is None:
            return False
        if not PASSWORD_HASH.match(self.token):
            return hmac.compare_digest(given.encode(), self.token.encode())
        key = hashlib.sha256(given.encode()).digest()
        if key in self._known:
            return True
        # A hash takes a fraction of a second of CPU: off the event loop (polls and
        # pages go on), and one at a time, so wrong guesses cannot take every core.
        async with self._hashing:
            matched = await asyncio.to_thread(_matches_hash, given, self.token)
        if matched:
            self._known.add(key)
        return matched

    def refused_for(self, client: str, now: float | None = None) -> float:
        """Seconds until ``client`` may try a token again on the login page (0: now)."""
        now = time.time() if now is None else now
        recent = [t for t in self._failures.get(client, []) if t > now - LOGIN_WINDOW]
        self._failures[client] = recent
        if len(recent) < LOGIN_FAILURES:
            return 0.0
        return recent[-LOGIN_FAILURES] + LOGIN_WINDOW - now

    def failed(self, client: str, now: float | None = None) -> None:
        self._failures.setdefault(client, []).append(time.time() if now is None else now)
        # Bounded: a flood from many addresses keeps only the newest hundred of them.
        if len(self._failures) > 100:
            oldest = min(self._failures, key=lambda c: max(self._failures[c], default=0.0))
            del self._failures[oldest]

    def open_session(self, now: float | None = None) -> str:
        now = time.time() if now is None else now
        self.sessions = {k: v for k, v in self.sessions.items() if v > now}
        session = secrets.token_urlsafe(32)
        self.sessions[session] = now + SESSION_SECONDS
        return session

    def session_valid(self, session: str | None, now: float | None = None) -> bool:
        if not session:
            return False
        now = time.time() if now is None else now
        # A dictionary lookup, not a comparison: the session's bytes are never compared
        # one by one against a secret an attacker is guessing.
        expires = self.sessions.get(session)
        return expires is not None and expires > now

    async def allows(self, request: web.Request) -> bool:
        if self.token is None:
            return True
        given = bearer(request.headers.get("Authorization"))
        if given is not None:
            return await self.check(given)
        return self.session_valid(request.cookies.get(COOKIE))


GUARD = web.AppKey("guard", Guard)

_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · secondchance</title></head>
<body><main><h1>Sign in</h1>{message}
<form method="post" action="/login">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="csrf" value="{csrf}">
<p><label for="token">Token (<code>[server] token</code> in the watchlist)</label></p>
<p><input id="token" name="token" type="password" autocomplete="current-password"
 required autofocus></p>
<p><button type="submit">Sign in</button></p>
</form></main></body></html>
"""


def _form(request: web.Request, target: str, message: str = "", status: int = 200) -> web.Response:
    body = _FORM.format(
        next=html.escape(safe_next(target), quote=True),
        csrf=csrf.token(request),
        message=f"<p role=alert>{html.escape(message)}</p>" if message else "",
    )
    return web.Response(text=body, content_type="text/html", status=status)


async def login_page(request: web.Request) -> web.StreamResponse:
    if not request.app[GUARD].required:
        raise web.HTTPSeeOther("/")
    return _form(request, request.query.get("next", "/"))


async def login(request: web.Request) -> web.StreamResponse:
    guard = request.app[GUARD]
    form = await request.post()
    target = safe_next(str(form.get("next", "/")))
    if not guard.required:
        raise web.HTTPSeeOther(target)
    client = request.remote or "?"
    wait = guard.refused_for(client)
    if wait > 0:
        response = _form(request, target, "Too many wrong tokens: try again later.", status=429)
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    given = form.get("token")
    if not isinstance(given, str) or not await guard.check(given.strip()):
        guard.failed(client)
        return _form(request, target, "That is not the token.", status=401)
    response = web.Response(status=303, headers={"Location": target})
    # HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it.
    # Not Secure: the server speaks plain HTTP (put a TLS proxy in front to go beyond
    # a trusted network; the cookie then travels only inside TLS anyway).
    response.set_cookie(
        COOKIE,
        guard.open_session(),
        max_age=SESSION_SECONDS,
        path="/",
        httponly=True,
        samesite="Strict",
    )
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    request.app[GUARD].sessions.pop(request.cookies.get(COOKIE, ""), None)
    response = web.Response(status=303, headers={"Location": "/login"})
    response.del_cookie(COOKIE, path="/")
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)


def main() -> int:
    """Print a password hash for ``[server] token`` from a password on standard input."""
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else ""
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("password: ")
    if len(password) < 12:
        print("secondchance: a password of at least 12 characters, please", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
