"""Text from a board, made safe for the format each service is sent and renders.

Board text (titles, locations, company names, listings) is data, never markup:
each style escapes it so that Apprise's conversion for the service, and the
service itself, show it literally. Our own words may use markup (bold, one link).
Pure; tests/delivery/test_markup.py pushes hostile titles through Apprise's own
plugins.

Styles, as Apprise 2 sends a body (see delivery/channels.py for the choice):

- ``text``: plain text. Apprise converts it where the service needs
  (Telegram's HTML escapes it), so nothing here beyond removing bidi controls.
- ``markdown``: CommonMark; every character with a meaning in it is
  backslash-escaped (as Apprise's own text-to-Markdown conversion does, plus
  ``<`` and ``&``: a raw ``<`` would pass as HTML).
- ``slack``: CommonMark that Apprise's Slack plugin converts to mrkdwn. Slack has
  no backslash escapes: the converter turns ``\\<`` and ``\\>`` into entities and
  drops the backslash of ``\\[ \\] \\( \\) \\! \\#``, so only those, and the emphasis
  marks, are escaped (a ``&`` becomes ``&amp;`` in the converter). ``<!channel>``,
  ``<@U…>`` and ``<url|text>`` never form.
- ``discord``: Discord renders Markdown in any webhook content and pings
  ``@everyone``, ``@here`` and ``<@id>`` even in plain text: CommonMark escapes,
  and a zero-width joiner after every ``@``.
- ``html``: e-mail and Telegram; HTML entities.
"""

from __future__ import annotations

import html
import re
from typing import Literal
from urllib.parse import quote, urlsplit

from secondchance.core.text import shown

Style = Literal["text", "markdown", "slack", "discord", "html"]
STYLES: tuple[Style, ...] = ("text", "markdown", "slack", "discord", "html")

# Longest board title an alert shows (the full title stays in history).
TITLE_CAP = 300
# Longest link an alert carries; a longer one is left out, never cut (a cut URL
# leads somewhere else).
URL_CAP = 1000

# What CommonMark (and Python-Markdown, Discord) give a meaning to; ":" "," "?" and
# the like are left alone so a renderer that shows backslashes shows few.
_COMMONMARK = re.compile(r"([\\_*\[\]()~`<>#+=|{}.!&-])")
_SLACK = re.compile(r"([\\<>\[\]()!#*_~`])")
_ZWJ = "\u200d"


def cap(text: str, length: int = TITLE_CAP) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def escape(text: str, style: Style) -> str:
    """``text`` (from a board, or anything not ours) as literal text in ``style``."""
    text = shown(text)
    if style == "text":
        return text
    if style == "html":
        return html.escape(text, quote=True)
    if style == "slack":
        return _SLACK.sub(r"\\\1", text)
    escaped = _COMMONMARK.sub(r"\\\1", text)
    if style == "discord":
        # A joiner after "@": "@everyone", "@here" and "<@123>" no longer ping.
        escaped = escaped.replace("@", "@" + _ZWJ)
    return escaped


def bold(escaped: str, style: Style) -> str:
    """Already escaped text, in bold where the style has it."""
    if style == "text":
        return escaped
    if style == "html":
        return f"<b>{escaped}</b>"
    return f"**{escaped}**"


def newline(style: Style) -> str:
    return "<br>\n" if style == "html" else "\n"


# What a URL may carry as is; everything else is percent-encoded, so that no
# style's link syntax ("<url|text>", "](<url>)", href="…") can be broken out of.
_URL_SAFE = ":/?#[]@!$&*+,;=%~-._"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to link, percent-encoded; None for any other scheme
    (``javascript:``, ``data:``), a URL without a host, or one too long."""
    if not url:
        return None
    url = shown(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    encoded = quote(url, safe=_URL_SAFE)
    return encoded if len(encoded) <= URL_CAP else None


def link(url: str | None, style: Style, label: str = "Open the posting") -> str | None:
    """A line linking to ``url``, or None when it is not an http(s) URL fit to link."""
    safe = safe_url(url)
    if safe is None:
        return None
    if style == "text":
        return safe
    if style == "html":
        return f'<a href="{html.escape(safe, quote=True)}">{html.escape(label)}</a>'
    return f"[{escape(label, style)}](<{safe}>)"
