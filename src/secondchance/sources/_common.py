"""Helpers shared by the source parsers: decoding bodies defensively."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

from secondchance.sources.interface import ParseError, SpecError

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
        # orjson: several times faster than json on the multi-MB boards.
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"malformed JSON: {exc}") from exc


def expect_type(value: Any, kind: type, what: str) -> Any:
    """Raise ParseError unless ``value`` is of ``kind`` (schema drift guard)."""
    if not isinstance(value, kind):
        raise ParseError(f"{what}: expected {kind.__name__}, got {type(value).__name__}")
    return value


_SLUG = re.compile(r"^[A-Za-z0-9._-]+$")


def board_slug(
    value: object,
    *,
    example: str,
    domain: str,
    detect: Callable[[str], object | None],
    noun: str = "company slug",
    article: str = "the",
) -> str:
    """The board's name as written in the watchlist (``acme`` for acme.bamboohr.com).

    A pasted URL (or host name) is refused with the name ``detect`` finds in it,
    so the fix is in the message; otherwise the request would go to a host like
    acme.bamboohr.com.bamboohr.com.
    """
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"expected {article} {noun} ({example})")
    slug = value.strip()
    if "/" in slug or ":" in slug or domain in slug.lower():
        hint = detect(slug if "://" in slug else f"https://{slug}")
        use = f" ({hint!r})" if isinstance(hint, str) else ""
        raise SpecError(f"use the {noun}{use}, not the URL")
    if not _SLUG.match(slug):
        raise SpecError(f"{noun} may only contain letters, digits, '-', '_' and '.' (got {slug!r})")
    return slug
