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

from secondchance import metrics
from secondchance.config import DeliveryPolicy, Notify
from secondchance.core.models import Alert
from secondchance.core.wording import plural
from secondchance.delivery.channels import Channel
from secondchance.delivery.policy import next_release, release_time
from secondchance.delivery.render import Message, render
from secondchance.delivery.sender import Sender
from secondchance.storage import marks, outbox
from secondchance.storage.database import Store

log = logging.getLogger(__name__)

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


class Notifier:
    """Drains the outbox; one instance per process, one drain at a time."""

    def __init__(
        self,
        store: Store,
        notify: Notify,
        policy: DeliveryPolicy,
        channels: Sequence[Channel],
        *,
        console: Callable[[Message], None] | None = None,
    ) -> None:
        self.store = store
        self.notify = notify
        self.policy = policy
        self.channels = list(channels)
        self.console = console
        self._lock = asyncio.Lock()
        self.sender = Sender(notify.timeout)
        self._held = (0, 0)
        self._snoozed: dict[str, datetime] = {}

    def _say_held(
        self,
        due: Sequence[tuple[int, str, Alert]],
        released: Sequence[tuple[int, str, Alert]],
        now: datetime,
    ) -> None:
        """Tell once (per change) what holds alerts back: quiet hours or a digest, and
        the companies snoozed on the dashboard, each said as what it is."""
        gone = {delivery_id for delivery_id, _, _ in released}
        waiting = [item for item in due if item[0] not in gone]
        snoozed = [item for item in waiting if self._snoozed.get(item[2].company, now) > now]
        policy = [item for item in waiting if self._snoozed.get(item[2].company, now) <= now]
        held = (len(policy), len(snoozed))
        if held == self._held:
            return
        self._held = held
        if policy:
            pending = [(a.created_at or now, a.kind) for _, _, a in policy]
            when = next_release(pending, self.policy, now)
            local = when.astimezone(self.policy.tz).strftime("%Y-%m-%d %H:%M") if when else "?"
            log.info("%s held by the delivery policy until %s", plural(len(policy), "alert"), local)
        if snoozed:
            companies = sorted({a.company for _, _, a in snoozed})
            until = ", ".join(
                f"{c} until {self._snoozed[c].astimezone(self.policy.tz):%Y-%m-%d %H:%M}"
                for c in companies
            )
            log.info("%s held by a snooze: %s", plural(len(snoozed), "alert"), until)

    def update(self, notify: Notify, policy: DeliveryPolicy, channels: Sequence[Channel]) -> None:
        self.notify, self.policy, self.channels = notify, policy, list(channels)
        self.sender.timeout = notify.timeout

    async def drain(
        self, *, ignore_backoff: bool = False, now: datetime | None = None
    ) -> DrainReport:
        """Send what is due: retry backoff passed (unless ignored) and the
        delivery policy (quiet hours, digest slots) releases it."""
        report = DrainReport()
        if not self.channels:
            return report
        async with self._lock:
            due = await self.store.read(
                outbox.due, [c.id for c in self.channels], ignore_backoff=ignore_backoff
            )
            # The clock is read after the query: an alert committed while this
            # drain waited for the database is not "created in the future", which
            # would hold it back as if the delivery policy said so.
            at = now or datetime.now(UTC)
            # Companies the user snoozed on the dashboard: their alerts wait, as for
            # quiet hours, and go when the snooze ends (storage/marks.py).
            self._snoozed = {
                company: mark.until
                for company, mark in (await self.store.read(marks.snoozed, at)).items()
                if mark.until is not None
            }
            released = self._released(due, at)
            if released and not ignore_backoff:
                # A channel that is tried now (an alert on it is due and released)
                # takes its whole backlog, oldest first: alerts that failed during an
                # outage go out with the first one after it, in order, not one backoff
                # (up to retry_max) later, after the alerts that came since. A channel
                # with nothing to send now (quiet hours, a digest's wait) keeps its
                # backoff.
                busy = sorted({channel for _, channel, _ in released})
                backlog = await self.store.read(outbox.due, busy, ignore_backoff=True)
                due = [item for item in due if item[1] not in busy] + backlog
                at = now or datetime.now(UTC)
                released = self._released(due, at)
            self._say_held(due, released, at)
            by_channel: dict[str, list[tuple[int, Alert]]] = {}
            for delivery_id, channel, alert in released:
                by_channel.setdefault(channel, []).append((delivery_id, alert))
            # Another daemon on the same database may be sending some of them.
            # The lease outlives a delivery that times out, yet a process killed
            # mid-send does not hold its alerts back for long after a restart.
            lease = 2 * self.notify.timeout + 30
            for target in self.channels:
                items = by_channel.get(target.id)
                if not items:
                    continue
                # Claimed one channel at a time, right before sending: a process
                # stopped in the middle of a drain leaves only that channel's alerts
                # waiting out the lease, not every channel's.
                mine = await self.store.write(outbox.claim, [d for d, _ in items], lease)
                items = [(d, alert) for d, alert in items if d in mine]
                if items:
                    report += await self._deliver(target, items)
        return report

    def _released(
        self, due: list[tuple[int, str, Alert]], now: datetime
    ) -> list[tuple[int, str, Alert]]:
        """The due deliveries the delivery policy lets go at ``now``."""
        policy, snoozed = self.policy, self._snoozed
        return [
            (delivery_id, channel, alert)
            for delivery_id, channel, alert in due
            if release_time(alert.created_at or now, alert.kind, policy) <= now
            and snoozed.get(alert.company, now) <= now
        ]

    async def _deliver(self, channel: Channel, items: list[tuple[int, Alert]]) -> DrainReport:
        report = DrainReport()
        delivery_of = {alert.id: delivery_id for delivery_id, alert in items}
        policy = self.policy
        urgent = [a for _, a in items if a.kind in policy.urgent]
        rest = [a for _, a in items if a.kind not in policy.urgent]
        messages = [
            message
            for alerts, digest in ((urgent, False), (rest, policy.mode == "digest"))
            for message in render(
                alerts,
                channel.limit,
                digest=digest,
                style=channel.style,
                escaped_title=channel.escaped_title,
                followup=self.notify.followup,
            )
        ]
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
                    release = self.store.write(outbox.release, unsent)
                    await asyncio.wait_for(asyncio.shield(release), RELEASE_WAIT)
                raise
            if error is None:
                await self.store.write(outbox.mark_sent, ids)
                report.sent += len(ids)
                metrics.DELIVERIES.labels("sent").inc(len(ids))
                continue
            # The channel is down: the messages after this one are not tried now.
            # They back off with it and give up their claims (otherwise they would
            # wait for the lease to lapse before the next drain could take them).
            untried = [delivery_of[a] for later in messages[index + 1 :] for a in later.alert_ids]
            await self.store.write(
                outbox.mark_failed,
                ids + untried,
                error,
                self.notify.retry_min,
                self.notify.retry_max,
            )
            report.failed += len(ids)
            metrics.DELIVERIES.labels("failed").inc(len(ids))
            log.warning("delivery to %s failed: %s; will retry", channel.label, error)
            break
        if report.sent:
            log.info("delivered %s to %s", plural(report.sent, "alert"), channel.label)
        return report

    async def _send(self, channel: Channel, message: Message) -> str | None:
        if channel.url is None:
            if self.console is not None:
                self.console(message)
            return None
        return await self.sender.send(channel, message)
