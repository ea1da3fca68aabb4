"""CSRF tokens for the dashboard's forms: every POST a browser makes carries one.

The token is an HMAC of the visitor's session (or of nothing, when no token is set and
the pages are open on loopback) under a secret made when the application is built: a
page of another site can neither read it (no CORS is ever granted) nor guess it. It
backs up the Origin check of web/server.py, which a browser extension or an old
browser might not send. A restart makes a new secret: a form left open across one is
refused with "reload the page", never acted on.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

from secondchance.web.security import COOKIE

FIELD = "csrf"
HEADER = "X-CSRF-Token"
SECRET = web.AppKey("csrf_secret", bytes)


def new_secret() -> bytes:
    return secrets.token_bytes(32)


def token_for(secret: bytes, session: str) -> str:
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()[:40]


def token(request: web.Request) -> str:
    """The token this visitor's forms carry."""
    return token_for(request.app[SECRET], request.cookies.get(COOKIE, ""))


async def valid(request: web.Request) -> bool:
    """Whether a POST carries this visitor's token (a form field or a header)."""
    given = request.headers.get(HEADER)
    if given is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()  # aiohttp keeps it: the handler reads it again
        value = form.get(FIELD)
        given = value if isinstance(value, str) else None
    return given is not None and hmac.compare_digest(given.encode(), token(request).encode())
