"""Outbox delivery: pending alerts → rendered messages → Apprise (or the terminal).

A delivery is marked sent only after Apprise reports SUCCESS for that
channel; anything else leaves it pending with a backoff, so an alert queued
while Slack is down goes out once Slack is back, after a restart too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from secondchance.config import Company, Config
from secondchance.core.models import Alert
from secondchance.daemon import metrics
from secondchance.delivery.policy import next_release, release_time
from secondchance.delivery.render import Message, render
from secondchance.storage.store import CONSOLE, Store, channel_id

log = logging.getLogger(__name__)

# Readability cap even where a service allows more (Slack, e-mail).
MAX_MESSAGE = 3500
# How long a stopped drain waits to give its claims back: within a service
# manager's stop timeout; past it, the claims lapse with their lease instead.
RELEASE_WAIT = 2.0


@dataclass(slots=True)
class DrainReport:
    sent: int = 0
    failed: int = 0

    def __iadd__(self, other: DrainReport) -> DrainReport:
        self.sent += other.sent
        self.failed += other.failed
        return self


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    url: str | None  # None: the terminal
    limit: int
    label: str
    tags: frozenset[str] = frozenset()
    markdown: bool = False


def channels_of(config: Config, *, console: bool | None = None) -> list[Channel]:
    """The configured delivery channels; the terminal when there is no URL."""
    out: list[Channel] = []
    use_console = config.console_alerts if console is None else console
    if use_console:
        out.append(Channel(CONSOLE, None, MAX_MESSAGE, "terminal"))
    for index, target in enumerate(config.targets):
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


def queue_channels(config: Config, company: Company) -> list[str]:
    """Channel ids a company's alert is queued for: the terminal when it is
    on, and every URL carrying one of the company's tags (all, without tags)."""
    ids = [CONSOLE] if config.console_alerts else []
    return ids + [
        channel_id(t.url) for t in config.targets if not company.tags or company.tags & t.tags
    ]


class Notifier:
    """Drains the outbox; one instance per process, one drain at a time."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        console: Callable[[Message], None] | None = None,
        channels: Sequence[Channel] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.console = console
        self.channels = list(channels) if channels is not None else channels_of(config)
        self._lock = asyncio.Lock()
        self.sender = Sender(config.notify.timeout)
        self._held = 0

    def _say_held(self, held: int, due: Sequence[tuple[int, str, Alert]], now: datetime) -> None:
        """Tell once (per change) that quiet hours or a digest are holding alerts."""
        if held == self._held:
            return
        self._held = held
        if held:
            pending = [(a.created_at or now, a.kind) for _, _, a in due]
            when = next_release(pending, self.config.policy, now)
            local = (
                when.astimezone(self.config.policy.tz).strftime("%Y-%m-%d %H:%M") if when else "?"
            )
            log.info("%d alert(s) held by the delivery policy until %s", held, local)

    def update(self, config: Config, channels: Sequence[Channel]) -> None:
        self.config = config
        self.channels = list(channels)
        self.sender.timeout = config.notify.timeout

    async def drain(
        self, *, ignore_backoff: bool = False, now: datetime | None = None
    ) -> DrainReport:
        """Send what is due: retry backoff passed (unless ignored) and the
        delivery policy (quiet hours, digest slots) releases it."""
        report = DrainReport()
        if not self.channels:
            return report
        async with self._lock:
            due = await self.store.call(
                self.store.due_deliveries,
                [c.id for c in self.channels],
                ignore_backoff=ignore_backoff,
            )
            # The clock is read after the query: an alert committed while this
            # drain waited for the database is not "created in the future", which
            # would hold it back as if the delivery policy said so.
            at = now or datetime.now(UTC)
            released = self._released(due, at)
            if released and not ignore_backoff:
                # A channel that is tried now (an alert on it is due and released)
                # takes its whole backlog, oldest first: alerts that failed during an
                # outage go out with the first one after it, in order, not one backoff
                # (up to retry_max) later, after the alerts that came since. A channel
                # with nothing to send now (quiet hours, a digest's wait) keeps its
                # backoff.
                busy = sorted({channel for _, channel, _ in released})
                backlog = await self.store.call(
                    self.store.due_deliveries, busy, ignore_backoff=True
                )
                due = [item for item in due if item[1] not in busy] + backlog
                at = now or datetime.now(UTC)
                released = self._released(due, at)
            self._say_held(len(due) - len(released), due, at)
            by_channel: dict[str, list[tuple[int, Alert]]] = {}
            for delivery_id, channel, alert in released:
                by_channel.setdefault(channel, []).append((delivery_id, alert))
            # Another daemon on the same database may be sending some of them.
            # The lease outlives a delivery that times out, yet a process killed
            # mid-send does not hold its alerts back for long after a restart.
            lease = 2 * self.config.notify.timeout + 30
            for target in self.channels:
                items = by_channel.get(target.id)
                if not items:
                    continue
                # Claimed one channel at a time, right before sending: a process
                # stopped in the middle of a drain leaves only that channel's alerts
                # waiting out the lease, not every channel's.
                mine = await self.store.call(self.store.claim, [d for d, _ in items], lease)
                items = [(d, alert) for d, alert in items if d in mine]
                if items:
                    report += await self._deliver(target, items)
        return report

    def _released(
        self, due: list[tuple[int, str, Alert]], now: datetime
    ) -> list[tuple[int, str, Alert]]:
        """The due deliveries the delivery policy lets go at ``now``."""
        policy = self.config.policy
        return [
            (delivery_id, channel, alert)
            for delivery_id, channel, alert in due
            if release_time(alert.created_at or now, alert.kind, policy) <= now
        ]

    async def _deliver(self, channel: Channel, items: list[tuple[int, Alert]]) -> DrainReport:
        report = DrainReport()
        delivery_of = {alert.id: delivery_id for delivery_id, alert in items}
        policy = self.config.policy
        urgent = [a for _, a in items if a.kind in policy.urgent]
        rest = [a for _, a in items if a.kind not in policy.urgent]
        messages = render(urgent, limit=channel.limit, markdown=channel.markdown) + render(
            rest, limit=channel.limit, digest=policy.mode == "digest", markdown=channel.markdown
        )
        for index, message in enumerate(messages):
            ids = [delivery_of[a] for a in message.alert_ids]
            try:
                error = await self._send(channel, message)
            except asyncio.CancelledError:
                # Stopped mid-send (a shutdown): what is not marked sent gives up its
                # claim, so the next start sends it at once, not after the lease. The
                # message in flight may have arrived; it goes again either way.
                unsent = [delivery_of[a] for later in messages[index:] for a in later.alert_ids]
                with contextlib.suppress(Exception):
                    release = self.store.call(self.store.release, unsent)
                    await asyncio.wait_for(asyncio.shield(release), RELEASE_WAIT)
                raise
            if error is None:
                await self.store.call(self.store.mark_sent, ids)
                report.sent += len(ids)
                metrics.DELIVERIES.labels("sent").inc(len(ids))
                continue
            # The channel is down: the messages after this one are not tried now.
            # They back off with it and give up their claims (otherwise they would
            # wait for the lease to lapse before the next drain could take them).
            untried = [delivery_of[a] for later in messages[index + 1 :] for a in later.alert_ids]
            await self.store.call(
                self.store.mark_failed,
                ids + untried,
                error,
                self.config.notify.retry_min,
                self.config.notify.retry_max,
            )
            report.failed += len(ids)
            metrics.DELIVERIES.labels("failed").inc(len(ids))
            log.warning("delivery to %s failed: %s; will retry", channel.label, error)
            break
        if report.sent:
            log.info("delivered %d alert(s) to %s", report.sent, channel.label)
        return report

    async def _send(self, channel: Channel, message: Message) -> str | None:
        if channel.url is None:
            if self.console is not None:
                self.console(message)
            return None
        return await self.sender.send(channel, message)


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
