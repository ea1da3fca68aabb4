"""Helpers shared by the source parsers: decoding bodies defensively."""

from __future__ import annotations

import json
from typing import Any

from secondchance.sources.interface import ParseError

# Markers of bot-protection interstitials served with status 200.
_CHALLENGE_MARKERS = (
    b"cf-browser-verification",
    b"challenge-platform",
    b"cf_chl_opt",
    b"<title>Just a moment...</title>",
    b"<title>Attention Required! | Cloudflare</title>",
    b"_Incapsula_Resource",
    b"captcha-delivery.com",
)


def looks_like_challenge(body: bytes) -> bool:
    head = body[:20000]
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def load_json(body: bytes) -> Any:
    """Decode a JSON API body, telling apart the ways it can be wrong.

    An empty body, an HTML page (a login wall, a challenge, an error page
    served with 200) and truncated JSON are all failures of the poll, never
    an empty board.
    """
    stripped = body.lstrip()
    if not stripped:
        raise ParseError("empty response body")
    if stripped[:1] == b"<":
        if looks_like_challenge(body):
            raise ParseError("got a bot-protection challenge page instead of JSON")
        raise ParseError("got HTML where JSON was expected")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"malformed JSON: {exc}") from exc


def expect_type(value: Any, kind: type, what: str) -> Any:
    """Raise ParseError unless ``value`` is of ``kind`` (schema drift guard)."""
    if not isinstance(value, kind):
        raise ParseError(f"{what}: expected {kind.__name__}, got {type(value).__name__}")
    return value
