"""Sending one message to one URL channel through Apprise."""

from __future__ import annotations

from typing import Any

from secondchance.delivery.channels import Channel
from secondchance.delivery.render import Message


class Sender:
    """Sends one message to one URL channel through Apprise; keeps one Apprise
    object per channel."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._clients: dict[str, Any] = {}

    async def send(self, channel: Channel, message: Message) -> str | None:
        """None on success, else a short reason (never containing the URL)."""
        import apprise

        assert channel.url is not None
        client = self._clients.get(channel.id)
        if client is None:
            client = apprise.Apprise()
            client.add(channel.url)
            self._clients[channel.id] = client
        try:
            result = await client.async_notify(
                body=message.body,
                title=message.title,
                body_format=body_format(channel),
                notify_type=apprise.NotifyType(message.notify_type),
                timeout=self.timeout,
            )
        except Exception as exc:  # a plugin bug must not lose the alert
            return f"{type(exc).__name__} while sending"
        status = getattr(result, "status", None)
        if status is None:  # Apprise 1.x returned a bool
            return None if result else "the service did not accept the message"
        if status == apprise.AppriseResultStatus.SUCCESS:
            return None
        return _reason(result, status.name)


def body_format(channel: Channel) -> Any:
    """The Apprise format a channel's bodies are declared in (its style's)."""
    import apprise

    if channel.style == "html":
        return apprise.NotifyFormat.HTML
    if channel.style == "text":
        return apprise.NotifyFormat.TEXT
    return apprise.NotifyFormat.MARKDOWN


def _reason(result: Any, status: str) -> str:
    """Apprise's status, with what its plugin logged about the failure ("A Connection
    error occurred posting to Slack."): the reason a user can act on. Read from the
    result (Apprise 2.x keeps each attempt's log lines), so concurrent sends cannot
    mix their reasons up."""
    said: list[str] = []
    entries = [e for r in result.results for a in r.attempts for e in a.logs]
    entries += list(result.call_logs())
    for entry in entries:
        message = " ".join(str(entry.message).split())
        if entry.level in ("WARNING", "ERROR", "CRITICAL") and message and message not in said:
            said.append(message)
    reason = f"Apprise reported {status}"
    # The last two: the plugin's final word, and the one before it (often the cause).
    return f"{reason}: {' '.join(said[-2:])}" if said else reason
