"""Where alerts go: the terminal and each notification URL, each a channel with a
stable, secret-free id, the longest message it takes, the style its board text is
escaped in (delivery/markup.py, decided from the Apprise plugin) and the alert kinds
it takes; and the rule that picks an alert's channels when it is queued."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from secondchance.config import Target
from secondchance.core.models import ALERT_KINDS
from secondchance.core.watchlist import Company
from secondchance.delivery.markup import Style

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
    # The alert kinds it takes: [notify] kinds, narrowed by its URL's own kinds.
    kinds: frozenset[str] = frozenset(ALERT_KINDS)
    # How the body is written and escaped, and whether the service shows the
    # title inside the body (escaped as it is) rather than as plain text.
    style: Style = "text"
    escaped_title: bool = False


def channels_of(
    targets: Sequence[Target], *, console: bool, sent: Collection[str] = ALERT_KINDS
) -> list[Channel]:
    """The delivery channels: the terminal (when ``console``) and each URL, each taking
    the kinds in ``sent`` ([notify] kinds) that its URL's kinds allow."""
    sent = frozenset(sent)
    out: list[Channel] = []
    if console:
        out.append(Channel(CONSOLE, None, MAX_MESSAGE, "terminal", kinds=sent))
    for index, target in enumerate(targets):
        import apprise  # only with URLs: it is the largest import of all

        url = target.url
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            continue
        limit = int(getattr(plugin, "body_maxlen", MAX_MESSAGE) or MAX_MESSAGE)
        # Never the URL itself: it usually is the secret.
        label = f"notify.urls[{index}] ({url.split('://', 1)[0]})"
        style = style_of(plugin)
        kinds = sent if target.kinds is None else sent & target.kinds
        out.append(
            Channel(
                channel_id(url),
                url,
                min(limit, MAX_MESSAGE),
                label,
                target.tags,
                kinds=kinds,
                style=style,
                escaped_title=_title_in_body(plugin, style),
            )
        )
    return out


def style_of(plugin: Any) -> Style:
    """The style a plugin's messages are written in. Slack and Discord have their own
    (mrkdwn through Apprise's converter; Markdown and pings in any content); a
    service whose native format is HTML (e-mail, Telegram) gets HTML, one whose
    native format is Markdown gets Markdown; every other service plain text."""
    name = str(getattr(plugin, "service_name", "")).casefold()
    if name == "slack":
        return "slack"
    if name == "discord":
        return "discord"
    if _native(plugin, "HTML"):
        return "html"
    return "markdown" if _native(plugin, "MARKDOWN") else "text"


def _title_in_body(plugin: Any, style: Style) -> bool:
    # Apprise blends a title into the body, converting it as the body, where the
    # service has no title (title_maxlen 0: Telegram); Discord writes it into the
    # content, where Markdown and pings apply.
    return style == "discord" or int(getattr(plugin, "title_maxlen", 1) or 0) <= 0


def _native(plugin: Any, format_name: str) -> bool:
    import apprise

    # Apprise 2 plugins may list several formats; the first is the native one.
    native = getattr(plugin, "notify_format", None)
    if isinstance(native, tuple | list):
        native = native[0] if native else None
    try:
        return bool(apprise.NotifyFormat(native) == apprise.NotifyFormat[format_name])
    except ValueError:
        return False


def takes(channel: Channel, company: Company | None, kind: str) -> bool:
    """Whether an alert of ``kind`` about ``company`` is queued for ``channel``: the
    channel takes the kind, and the tags allow it (the terminal, a company without
    tags, a URL carrying one of its tags; an alert about no company, such as a rejected
    watchlist edit, is not restricted by tags)."""
    if kind not in channel.kinds:
        return False
    return (
        channel.url is None
        or company is None
        or not company.tags
        or bool(company.tags & channel.tags)
    )


def route(channels: Sequence[Channel], company: Company | None, kind: str) -> list[str]:
    """The ids of the channels an alert of ``kind`` about ``company`` is queued for,
    decided once, when it is queued; none when every channel mutes it (the alert is
    still recorded, and never sent)."""
    return [channel.id for channel in channels if takes(channel, company, kind)]
