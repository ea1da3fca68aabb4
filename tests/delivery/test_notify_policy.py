"""Notifier.drain() with the delivery policy, on a real SQLite outbox.

Alerts are queued the way the poller queues them (``Store.queue_company_alert``
inside one transaction, for the channels ``route`` picks) and delivered
to a console callback, so the clock is the only input: every drain gets an
explicit ``now``. Times are in Europe/Berlin (UTC+1 in January).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import Receiver, queue_alert
from secondchance.config import Config, load
from secondchance.daemon.app import channels, store_for
from secondchance.delivery.channels import CONSOLE, channel_id, route
from secondchance.delivery.notify import Notifier
from secondchance.delivery.render import Message
from secondchance.storage import marks, outbox
from secondchance.storage.database import Store

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A January 2026 wall-clock time in Berlin (in the past, so no retry backoff applies)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=BERLIN)


def load_config(tmp_path: Path, notify: str = "", companies: str = "") -> Config:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f"""
[notify]
timezone = "Europe/Berlin"
{notify}

[[company]]
name = "Acme"
greenhouse = "acme"

[[company]]
name = "Globex"
greenhouse = "globex"
{companies}
""",
        encoding="utf-8",
    )
    return load(path)


class Outbox:
    """A config, its real store and a notifier that prints to a list."""

    def __init__(self, config: Config, data_dir: Path) -> None:
        self.config = config
        self.store: Store = store_for(config, data_dir)
        self.printed: list[Message] = []
        self.notifier = Notifier(
            self.store, config.notify, config.policy, channels(config), console=self.printed.append
        )

    def queue(self, company: str, kind: str, title: str, at: datetime) -> int:
        extra = {"context": "Turned down 2025-12-01 for Data Analyst"}
        return queue_alert(self.store, self.config, company, title, kind=kind, at=at, extra=extra)

    async def drain(self, now: datetime) -> list[Message]:
        before = len(self.printed)
        await self.notifier.drain(now=now)
        return self.printed[before:]


Make = Callable[..., Outbox]


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Make]:
    """``make(notify_lines, company_lines)`` → an Outbox on a fresh database."""
    boxes: list[Outbox] = []

    def factory(notify: str = "", companies: str = "") -> Outbox:
        box = Outbox(load_config(tmp_path, notify, companies), tmp_path / f"data{len(boxes)}")
        boxes.append(box)
        return box

    yield factory
    for box in boxes:
        box.store.dispose()


def sent_ids(messages: list[Message]) -> list[int]:
    return [i for m in messages for i in m.alert_ids]


# --- quiet hours ---------------------------------------------------------------------------


async def test_quiet_hours_hold_an_alert_until_they_end(make: Make) -> None:
    box = make('quiet_hours = "22:00-07:00"')
    late = box.queue("Acme", "new", "Backend Engineer", berlin(14, 22, 30))

    assert await box.drain(berlin(14, 22, 31)) == []
    assert await box.drain(berlin(15, 6, 59)) == []
    released = await box.drain(berlin(15, 7, 0))

    assert sent_ids(released) == [late]
    assert released[0].title == "Acme: a new role"
    assert await box.drain(berlin(15, 7, 1)) == []  # sent once


async def test_outside_quiet_hours_an_alert_goes_at_once(make: Make) -> None:
    box = make('quiet_hours = "22:00-07:00"')
    noon = box.queue("Acme", "new", "Backend Engineer", berlin(14, 12))

    assert sent_ids(await box.drain(berlin(14, 12, 0))) == [noon]


async def test_urgent_role_back_breaks_through_quiet_hours(make: Make) -> None:
    box = make('quiet_hours = "22:00-07:00"\nurgent = ["role_back"]')
    routine = box.queue("Acme", "new", "Backend Engineer", berlin(14, 23))
    back = box.queue("Acme", "role_back", "Paid Search Marketing Manager", berlin(14, 23))

    at_night = await box.drain(berlin(14, 23, 1))

    assert sent_ids(at_night) == [back]
    assert at_night[0].title == "⭐ Acme: the role you interviewed for is back"
    assert at_night[0].notify_type == "success"
    assert "The role you interviewed for is open again" in at_night[0].body
    assert sent_ids(await box.drain(berlin(15, 7))) == [routine]


async def test_role_back_is_held_like_any_alert_unless_urgent(make: Make) -> None:
    box = make('quiet_hours = "22:00-07:00"')
    back = box.queue("Acme", "role_back", "Paid Search Marketing Manager", berlin(14, 23))

    assert await box.drain(berlin(14, 23, 1)) == []
    assert sent_ids(await box.drain(berlin(15, 7))) == [back]


# --- digest and instant ----------------------------------------------------------------


async def test_digest_waits_for_the_slot_then_sends_one_message(make: Make) -> None:
    box = make('mode = "digest"\ndigest_at = ["09:00"]')
    first = box.queue("Acme", "new", "Backend Engineer", berlin(14, 10))
    second = box.queue("Globex", "new", "Data Analyst", berlin(14, 15))
    third = box.queue("Acme", "reopened", "Frontend Engineer", berlin(15, 8, 59))

    assert await box.drain(berlin(14, 20)) == []
    assert await box.drain(berlin(15, 8, 59)) == []
    digest = await box.drain(berlin(15, 9))

    assert len(digest) == 1
    (message,) = digest
    assert message.title == "secondchance digest: 1 reopened, 2 new (2 companies)"
    assert set(message.alert_ids) == {first, second, third}
    assert message.alert_ids[0] == third  # reopened ranks before new
    # Company by company, each under its name and its context line, once.
    assert message.body.index("Acme\n") < message.body.index("New: Backend Engineer")
    assert message.body.index("Globex\n") < message.body.index("New: Data Analyst")
    assert message.body.index("New: Backend Engineer") < message.body.index("Globex\n")
    assert await box.drain(berlin(15, 9, 1)) == []


async def test_digest_alert_after_the_slot_waits_for_the_next_one(make: Make) -> None:
    box = make('mode = "digest"\ndigest_at = ["09:00", "18:00"]')
    morning = box.queue("Acme", "new", "Backend Engineer", berlin(14, 9, 1))

    assert await box.drain(berlin(14, 17, 59)) == []
    assert sent_ids(await box.drain(berlin(14, 18))) == [morning]


async def test_urgent_kind_skips_the_digest(make: Make) -> None:
    box = make('mode = "digest"\ndigest_at = ["09:00"]\nurgent = ["role_back"]')
    routine = box.queue("Globex", "new", "Data Analyst", berlin(14, 10))
    back = box.queue("Acme", "role_back", "Paid Search Marketing Manager", berlin(14, 11))

    now = await box.drain(berlin(14, 11, 1))

    assert [(m.title, m.alert_ids) for m in now] == [
        ("⭐ Acme: the role you interviewed for is back", (back,))
    ]
    later = await box.drain(berlin(15, 9))
    assert [(m.title, m.alert_ids) for m in later] == [
        ("secondchance digest: 1 new (1 company)", (routine,))
    ]


async def test_digest_slot_inside_quiet_hours_waits_for_their_end(make: Make) -> None:
    box = make('mode = "digest"\ndigest_at = ["06:00"]\nquiet_hours = "22:00-07:00"')
    alert = box.queue("Acme", "new", "Backend Engineer", berlin(14, 12))

    assert await box.drain(berlin(15, 6)) == []
    assert sent_ids(await box.drain(berlin(15, 7))) == [alert]


async def test_instant_mode_sends_one_message_per_company(make: Make) -> None:
    box = make()
    a1 = box.queue("Acme", "new", "Backend Engineer", berlin(14, 10))
    g1 = box.queue("Globex", "new", "Data Analyst", berlin(14, 10))
    a2 = box.queue("Acme", "role_back", "Paid Search Marketing Manager", berlin(14, 10))

    messages = await box.drain(berlin(14, 10, 1))

    assert [(m.title, m.alert_ids) for m in messages] == [
        # A role back is a message of its own: it carries another notify type.
        ("⭐ Acme: the role you interviewed for is back", (a2,)),
        ("Acme: a new role", (a1,)),
        ("Globex: a new role", (g1,)),
    ]
    assert [m.notify_type for m in messages] == ["success", "info", "info"]
    assert all(" · " not in m.body.splitlines()[0] for m in messages)


async def test_drain_reports_what_it_sent(make: Make) -> None:
    box = make('quiet_hours = "22:00-07:00"')
    box.queue("Acme", "new", "Backend Engineer", berlin(14, 12))
    box.queue("Acme", "new", "Frontend Engineer", berlin(14, 23))

    report = await box.notifier.drain(now=berlin(14, 23, 30))

    assert (report.sent, report.failed) == (1, 0)
    assert box.store.read_now(outbox.pending_total) == 1


# --- routing by tag ----------------------------------------------------------------------

URLS = 'urls = ["json://127.0.0.1:1/a?tag=phone", "json://127.0.0.1:1/b"]'
PHONE_ONLY = '\n[company.filter]\nnotify = ["phone"]\n'


def test_tagged_company_is_queued_for_the_tagged_url_only(tmp_path: Path) -> None:
    config = load_config(tmp_path, URLS, companies=PHONE_ONLY)
    acme, globex = config.companies

    assert route(channels(config), globex, "new") == [channel_id("json://127.0.0.1:1/a")]
    assert route(channels(config), acme, "new") == [
        channel_id("json://127.0.0.1:1/a"),
        channel_id("json://127.0.0.1:1/b"),
    ]


def test_console_is_queued_too_when_on(tmp_path: Path) -> None:
    config = load_config(tmp_path, URLS + "\nconsole = true", companies=PHONE_ONLY)
    acme, globex = config.companies

    assert route(channels(config), globex, "new") == [
        CONSOLE,
        channel_id("json://127.0.0.1:1/a"),
    ]
    assert route(channels(config), acme, "new") == [
        CONSOLE,
        channel_id("json://127.0.0.1:1/a"),
        channel_id("json://127.0.0.1:1/b"),
    ]


def test_channel_ids_are_those_of_the_urls_without_tags(tmp_path: Path) -> None:
    config = load_config(tmp_path, URLS)

    found = channels(config)

    assert [c.id for c in found] == [
        channel_id("json://127.0.0.1:1/a"),
        channel_id("json://127.0.0.1:1/b"),
    ]
    assert [c.tags for c in found] == [frozenset({"phone"}), frozenset()]
    assert all("127.0.0.1" not in c.label for c in found)


async def test_tagged_alert_reaches_only_its_url(make: Make, receiver: Receiver) -> None:
    # The untagged URL points at a closed port: were the alert queued for it,
    # the drain would report a failure.
    urls = f'urls = ["{receiver.url}?tag=phone", "json://127.0.0.1:1/desk"]\nconsole = true'
    box = make(urls, companies=PHONE_ONLY)
    alert = box.queue("Globex", "new", "Data Analyst", berlin(14, 10))

    report = await box.notifier.drain(now=berlin(14, 10, 1))

    assert (report.sent, report.failed) == (2, 0)  # the receiver and the console
    assert sent_ids(box.printed) == [alert]
    (delivered,) = receiver.wait_for(1)
    assert delivered["title"] == "Globex: a new role"
    assert delivered["type"] == "info"
    assert "Data Analyst" in delivered["message"]


async def test_held_alerts_are_logged_once_with_their_release(
    make: Make, caplog: pytest.LogCaptureFixture
) -> None:
    box = make('quiet_hours = "22:00-07:00"')
    box.queue("Acme", "new", "Backend Engineer", berlin(14, 22, 30))
    with caplog.at_level(logging.INFO, logger="secondchance.delivery.notify"):
        await box.drain(berlin(14, 22, 31))
        await box.drain(berlin(14, 23, 0))
    held = [
        r.getMessage() for r in caplog.records if "held by the delivery policy" in r.getMessage()
    ]
    assert held == ["1 alert held by the delivery policy until 2026-01-15 07:00"]


async def test_a_snooze_is_logged_as_a_snooze_not_as_the_delivery_policy(
    make: Make, caplog: pytest.LogCaptureFixture
) -> None:
    box = make('quiet_hours = "22:00-07:00"')
    box.store.write_now(marks.snooze, "Acme", berlin(20, 0), berlin(14, 12))
    box.queue("Acme", "new", "Backend Engineer", berlin(14, 12, 30))
    box.queue("Globex", "new", "Data Analyst", berlin(14, 22, 30))
    with caplog.at_level(logging.INFO, logger="secondchance.delivery.notify"):
        assert await box.drain(berlin(14, 22, 31)) == []
    said = [r.getMessage() for r in caplog.records if "alert" in r.getMessage()]
    assert said == [
        "1 alert held by the delivery policy until 2026-01-15 07:00",
        "1 alert held by a snooze: Acme until 2026-01-20 00:00",
    ]


# --- many alerts at once -----------------------------------------------------------------


async def test_fifty_new_postings_are_summarised_and_all_marked_sent(make: Make) -> None:
    box = make()
    new = [box.queue("Acme", "new", f"Engineer {n}", berlin(14, 10)) for n in range(50)]
    back = box.queue("Acme", "role_back", "Paid Search Marketing Manager", berlin(14, 10))

    messages = await box.drain(berlin(14, 10, 1))

    assert [m.title for m in messages] == [
        "⭐ Acme: the role you interviewed for is back",
        "Acme: 50 new roles",
    ]
    assert messages[0].alert_ids == (back,)
    routine = messages[1]
    assert routine.body.count("New: Engineer") == 10
    assert routine.body.endswith('and 40 more (40 new): secondchance jobs --company "Acme"')
    # The summarised alerts ride with the message: sent, never queued again.
    assert sorted(routine.alert_ids) == sorted(new)
    assert await box.store.read(outbox.due, [CONSOLE], ignore_backoff=True) == []
    assert await box.store.read(outbox.pending_total) == 0
