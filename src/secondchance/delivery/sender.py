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
        markdown = apprise.NotifyFormat.MARKDOWN
        try:
            result = await client.async_notify(
                body=message.body,
                title=message.title,
                body_format=markdown if channel.markdown else apprise.NotifyFormat.TEXT,
                timeout=self.timeout,
            )
        except Exception as exc:  # a plugin bug must not lose the alert
            return f"{type(exc).__name__} while sending"
        status = getattr(result, "status", None)
        if status is None:  # Apprise 1.x returned a bool
            return None if result else "the service did not accept the message"
        if status == apprise.AppriseResultStatus.SUCCESS:
            return None
        return f"Apprise reported {status.name}"
