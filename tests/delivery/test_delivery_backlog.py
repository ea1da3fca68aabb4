"""A notification channel coming back from an outage: its backlog goes out first,
in order, and a failed drain leaves nothing claimed. Real Apprise ``json://``
deliveries to a local receiver, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update

from conftest import Receiver, queue_alert, rows
from secondchance.config import Config, load
from secondchance.daemon.app import channels, store_for
from secondchance.delivery.notify import Notifier
from secondchance.storage.database import Store
from secondchance.storage.schema import alerts, deliveries


class Outbox:
    def __init__(
        self, tmp_path: Path, database: str, *receivers: Receiver, notify: str = ""
    ) -> None:
        urls = json.dumps([r.url for r in receivers])
        path = tmp_path / "watchlist.toml"
        path.write_text(
            f'[settings]\ndatabase = "{database}"\n\n'
            f'[notify]\nurls = {urls}\nconsole = false\nretry_min = "1s"\n{notify}\n'
            '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n\n'
            '[[company]]\nname = "Globex"\ngreenhouse = "globex"\n',
            encoding="utf-8",
        )
        self.config: Config = load(path)
        self.store: Store = store_for(self.config, tmp_path / "data")
        self.notifier = Notifier(
            self.store, self.config.notify, self.config.policy, channels(self.config)
        )

    def queue(self, company: str, title: str, kind: str = "new") -> int:
        return queue_alert(self.store, self.config, company, title, kind=kind)

    def deliveries(self) -> dict[str, SimpleNamespace]:
        """Each delivery by the title of its alert."""
        titles = {alert["id"]: alert["title"] for alert in rows(self.store, alerts)}
        return {
            titles[row["alert_id"]]: SimpleNamespace(**row) for row in rows(self.store, deliveries)
        }


@pytest.fixture
def outbox(tmp_path: Path, database: str, receiver: Receiver) -> Iterator[Outbox]:
    box = Outbox(tmp_path, database, receiver)
    yield box
    box.store.dispose()


async def test_a_channel_back_from_an_outage_sends_its_backlog_first(
    outbox: Outbox, receiver: Receiver
) -> None:
    outbox.queue("Globex", "Old Role")
    receiver.fail_with = 503
    report = await outbox.notifier.drain()
    assert (report.sent, report.failed) == (0, 1)
    # As after a long outage: its next try is far off (retry_max is 15 minutes).
    with outbox.store.engine.begin() as connection:
        connection.execute(
            update(deliveries).values(next_attempt_at=datetime.now(UTC) + timedelta(hours=1))
        )
    receiver.fail_with = None
    assert (await outbox.notifier.drain()).sent == 0  # the backoff still holds it

    outbox.queue("Acme", "Fresh Role")
    report = await outbox.notifier.drain()

    # The fresh alert tries the channel; it works, so the backlog goes too, first.
    assert (report.sent, report.failed) == (2, 0)
    messages = receiver.wait_for(2)
    assert [m["title"] for m in messages] == ["Globex: a new role", "Acme: a new role"]
    assert "Old Role" in messages[0]["message"]
    assert {d.status for d in outbox.deliveries().values()} == {"sent"}


async def test_a_failed_message_backs_off_the_untried_ones_and_frees_their_claims(
    outbox: Outbox, receiver: Receiver
) -> None:
    outbox.queue("Acme", "First Role")
    outbox.queue("Globex", "Second Role")  # a second message to the same channel
    receiver.fail_with = 503

    report = await outbox.notifier.drain()

    assert receiver.attempts == 1  # the channel failed: the second message waits
    assert (report.sent, report.failed) == (0, 1)
    deliveries = outbox.deliveries()
    for title in ("First Role", "Second Role"):
        delivery = deliveries[title]
        assert delivery.status == "pending"
        assert delivery.attempts == 1
        assert delivery.next_attempt_at is not None
        # Not held by this process's lease: the next drain (or another daemon) may take it.
        assert delivery.claimed_until is None

    receiver.fail_with = None
    assert (await outbox.notifier.drain(ignore_backoff=True)).sent == 2
    assert len(receiver.wait_for(2)) == 2


async def test_a_channel_with_nothing_to_send_now_keeps_its_backoff(
    tmp_path: Path, database: str, receiver: Receiver
) -> None:
    """Quiet hours hold a new alert: the channel is not tried now, so an urgent
    alert that failed earlier waits out its backoff instead of riding along."""
    box = Outbox(
        tmp_path,
        database,
        receiver,
        notify='quiet_hours = "00:00-23:59"\ntimezone = "UTC"\nurgent = ["role_back"]\n',
    )
    try:
        box.queue("Globex", "Urgent Role", kind="role_back")  # breaks through quiet hours
        receiver.fail_with = 503
        assert (await box.notifier.drain()).failed == 1
        with box.store.engine.begin() as connection:
            connection.execute(
                update(deliveries).values(next_attempt_at=datetime.now(UTC) + timedelta(hours=1))
            )
        receiver.fail_with = None
        box.queue("Acme", "Quiet Role")  # due, but held by the quiet hours

        report = await box.notifier.drain()

        assert (report.sent, report.failed) == (0, 0)
        assert receiver.attempts == 1  # only the first, failed, try
    finally:
        box.store.dispose()


async def test_a_drain_stopped_mid_send_gives_its_claims_back(
    tmp_path: Path, database: str, receiver: Receiver
) -> None:
    """A daemon stopped while the first channel's message is in flight: that
    message's claim is given back (the other channel's alerts were never claimed),
    so the next start sends both at once instead of after the lease (twice the
    timeout plus 30 s)."""
    second = Receiver()
    box = Outbox(tmp_path, database, receiver, second)
    try:
        box.queue("Acme", "Some Role")
        sending = asyncio.Event()
        send = box.notifier._send

        async def hang(channel: Any, message: Any) -> str | None:
            sending.set()
            await asyncio.sleep(3600)
            return None

        box.notifier._send = hang  # type: ignore[method-assign]
        drain = asyncio.ensure_future(box.notifier.drain())
        await asyncio.wait_for(sending.wait(), 5)
        drain.cancel()
        with pytest.raises(asyncio.CancelledError):
            await drain

        assert [d["claimed_until"] for d in rows(box.store, deliveries)] == [None, None]
        box.notifier._send = send  # type: ignore[method-assign]
        report = await box.notifier.drain()
        assert (report.sent, report.failed) == (2, 0)
        assert len(receiver.wait_for(1)) == len(second.wait_for(1)) == 1
    finally:
        second.stop()
        box.store.dispose()
