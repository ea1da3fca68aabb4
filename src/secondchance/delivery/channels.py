"""Where alerts go: the terminal and each notification URL, each a channel with a
stable, secret-free id, the longest message it takes and whether it renders Markdown."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from secondchance.config import Target
from secondchance.core.watchlist import Company

# Readability cap even where a service allows more (Slack, e-mail).
MAX_MESSAGE = 3500
CONSOLE = "console"


def channel_id(url: str) -> str:
    """A stable, secret-free name for a notification URL (stored with each delivery)."""
    return "url:" + hashlib.sha256(url.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    url: str | None  # None: the terminal
    limit: int
    label: str
    tags: frozenset[str] = frozenset()
    markdown: bool = False


def channels_of(targets: Sequence[Target], *, console: bool) -> list[Channel]:
    """The delivery channels: the terminal (when ``console``) and each URL."""
    out: list[Channel] = []
    if console:
        out.append(Channel(CONSOLE, None, MAX_MESSAGE, "terminal"))
    for index, target in enumerate(targets):
        import apprise  # only with URLs: it is the largest import of all

        url = target.url
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            continue
        limit = int(getattr(plugin, "body_maxlen", MAX_MESSAGE) or MAX_MESSAGE)
        # Never the URL itself: it usually is the secret.
        label = f"notify.urls[{index}] ({url.split('://', 1)[0]})"
        markdown = _renders_markdown(plugin)
        out.append(
            Channel(channel_id(url), url, min(limit, MAX_MESSAGE), label, target.tags, markdown)
        )
    return out


def _renders_markdown(plugin: Any) -> bool:
    import apprise

    # Apprise 2 plugins may list several formats; the first is the native one.
    native = getattr(plugin, "notify_format", None)
    if isinstance(native, tuple | list):
        native = native[0] if native else None
    try:
        return apprise.NotifyFormat(native) == apprise.NotifyFormat.MARKDOWN
    except ValueError:
        return False


def route(channels: Sequence[Channel], company: Company) -> list[str]:
    """The ids of the channels a company's alerts are queued for: the terminal when it
    is one, and every URL carrying one of the company's tags (every URL without tags)."""
    return [c.id for c in channels if c.url is None or not company.tags or company.tags & c.tags]
