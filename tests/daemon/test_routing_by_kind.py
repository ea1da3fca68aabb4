"""Routing by kind in the running daemon: an alert's channels are decided when it is
queued, by the watchlist running then; a muted alert is recorded (the alerts table,
``history``) with no delivery, and a reload routes the alerts queued after it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from conftest import BoardServer, Receiver, rows
from secondchance.config import load
from secondchance.daemon.app import App
from secondchance.daemon.scheduler import Daemon
from secondchance.delivery.render import Message
from secondchance.storage import queries
from secondchance.storage.schema import alerts, deliveries

GH_PATH = "/v1/boards/acme/jobs"


def board(*ids: int) -> dict[str, Any]:
    return {"jobs": [{"id": i, "title": f"Role {i}"} for i in ids]}


def watchlist(path: Path, boards: BoardServer, notify: str) -> Path:
    path.write_text(
        f"""
[settings]
close_after = 1

[settings.endpoints]
greenhouse = "{boards.url}"

[notify]
{notify}

[[company]]
name = "Acme"
greenhouse = "acme"
""",
        encoding="utf-8",
    )
    return path


@contextlib.asynccontextmanager
async def running(path: Path, printed: list[Message]) -> AsyncIterator[Daemon]:
    daemon = Daemon(App.open(load(path), path.parent / "data", console=printed.append))
    try:
        yield daemon
    finally:
        await daemon.app.aclose()


def delivered(daemon: Daemon) -> dict[str, list[str]]:
    """Each alert's kind and posting, with the channels it was queued for."""
    channels: dict[int, list[str]] = {}
    for row in rows(daemon.app.store, deliveries):
        channels.setdefault(row["alert_id"], []).append(row["channel"])
    return {
        f"{row['kind']} {row['posting_id'] or ''}".strip(): channels.get(row["id"], [])
        for row in rows(daemon.app.store, alerts)
    }


async def test_a_muted_alert_is_recorded_never_sent_and_a_reload_routes_what_follows(
    tmp_path: Path, boards: BoardServer
) -> None:
    path = watchlist(tmp_path / "watchlist.toml", boards, 'console = true\nkinds = ["new"]')
    printed: list[Message] = []
    async with running(path, printed) as daemon:
        acme = daemon.app.config.companies[0]
        boards.set(GH_PATH, board(1, 2))
        await daemon.app.poller.poll(acme)
        boards.set(GH_PATH, board(1, 3))

        report = await daemon.app.poller.poll(acme)
        await daemon.app.notifier.drain()

        # Both are queued (once --json lists them), only "new" for a channel.
        assert sorted(a.kind for a in report.alerts) == ["closed", "new"]
        assert delivered(daemon) == {"new 3": ["console"], "closed 2": []}
        text = "\n".join(m.title + m.body for m in printed)
        assert "Role 3" in text
        assert "Role 2" not in text
        records = daemon.app.store.read_now(queries.alert_records, "Acme")
        assert [(r.alert.kind, r.sent, r.pending) for r in records] == [
            ("new", 1, 0),
            ("closed", 0, 0),
        ]

        watchlist(path, boards, 'console = true\nkinds = ["new", "closed"]')
        assert await daemon.reload()
        boards.set(GH_PATH, board(1))
        await daemon.app.poller.poll(daemon.app.config.companies[0])
        await daemon.app.notifier.drain()

        # Decided when queued: the closing muted before stays muted, the one after goes.
        assert delivered(daemon) == {"new 3": ["console"], "closed 2": [], "closed 3": ["console"]}
        assert "Role 3" in printed[-1].title + printed[-1].body
        assert "Role 2" not in "\n".join(m.title + m.body for m in printed)


async def test_a_rejected_edit_obeys_the_kinds_of_the_running_watchlist(
    tmp_path: Path, boards: BoardServer
) -> None:
    path = watchlist(tmp_path / "watchlist.toml", boards, 'console = true\nkinds = ["new"]')
    async with running(path, []) as daemon:
        path.write_text(path.read_text() + "\n[oops]\n", encoding="utf-8")

        assert not await daemon.reload()

        assert delivered(daemon) == {"config_rejected": []}


async def test_a_rejected_edit_is_routed_by_kind_whatever_the_tags(
    tmp_path: Path, boards: BoardServer, receiver: Receiver
) -> None:
    # About no company: the tagged URL takes it, the URL that takes only role backs not.
    loud = Receiver()
    try:
        notify = (
            f'urls = ["{receiver.url}?tag=desk", {{ url = "{loud.url}", kinds = ["role_back"] }}]\n'
        )
        path = watchlist(tmp_path / "watchlist.toml", boards, notify)
        path.write_text(path.read_text() + '\n[company.filter]\nnotify = ["desk"]\n')
        async with running(path, []) as daemon:
            path.write_text(path.read_text() + "\n[oops]\n", encoding="utf-8")

            assert not await daemon.reload()

            (message,) = receiver.wait_for(1)
            assert "oops" in message["message"]
            assert loud.messages == []
    finally:
        loud.stop()
