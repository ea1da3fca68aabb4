"""When the daemon sends: right after polls that queued alerts, with one drain
shared by polls that finish together, and nothing held back by a race with
the clock. Real SQLite outbox, console channel."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from conftest import rows
from secondchance.config import load
from secondchance.core.drafts import about_company
from secondchance.daemon.app import App
from secondchance.daemon.scheduler import Daemon
from secondchance.delivery.render import Message
from secondchance.storage import outbox
from secondchance.storage.database import Store
from secondchance.storage.schema import deliveries


def make_app(tmp_path: Path, printed: list[Message]) -> App:
    path = tmp_path / "watchlist.toml"
    path.write_text('[[company]]\nname = "Acme"\ngreenhouse = "acme"\n', encoding="utf-8")
    return App.open(load(path), tmp_path / "data", console=printed.append)


def queue(store: Store, title: str, at: datetime | None = None) -> None:
    draft = about_company(f"test|{title}", "Acme", "new", ["console"], title=title, detail="")
    store.write_now(outbox.queue, [draft], at or datetime.now(UTC))


async def test_an_alert_committed_while_a_drain_waits_is_sent_not_held(tmp_path: Path) -> None:
    printed: list[Message] = []
    app = make_app(tmp_path, printed)
    try:
        release = threading.Event()

        def busy_then_queue() -> None:
            # The database thread is busy (a poll writing) when the drain starts; the
            # alert is created and committed after the drain was asked for.
            release.wait(5)
            queue(app.store, "Data Analyst")

        writing = asyncio.ensure_future(app.store.call(busy_then_queue))
        drain = asyncio.ensure_future(app.notifier.drain())
        await asyncio.sleep(0.05)
        release.set()
        await writing
        report = await drain
        assert report.sent == 1
        assert any("Data Analyst" in m.body for m in printed)
    finally:
        await app.aclose()


async def test_polls_finishing_together_share_one_drain(tmp_path: Path) -> None:
    printed: list[Message] = []
    app = make_app(tmp_path, printed)
    daemon = Daemon(app)
    calls = 0
    original = app.notifier.drain

    async def counted(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return await original(**kwargs)

    app.notifier.drain = counted  # type: ignore[method-assign]
    try:
        for index in range(25):
            queue(app.store, f"Role {index}")
            daemon.deliver_soon()  # what each finishing poll does
        await asyncio.sleep(0.02)  # the drain has started and is still running
        assert calls == 1
        for index in range(25, 50):
            queue(app.store, f"Role {index}")
            daemon.deliver_soon()
        assert daemon._drainer is not None
        await daemon._drainer
        # One drain for the first 25, one more for every request made while it ran.
        assert calls == 2
        # Every alert sent once (past a dozen, a message sums the rest up in a line).
        sent = [i for m in printed for i in m.alert_ids]
        assert len(sent) == len(set(sent)) == 50

        queue(app.store, "Late role")
        daemon.deliver_soon()
        await daemon._drainer
        assert calls == 3
        assert any("Late role" in m.body for m in printed)
    finally:
        await app.aclose()


async def test_stop_lets_the_last_drain_finish(tmp_path: Path) -> None:
    printed: list[Message] = []
    app = make_app(tmp_path, printed)
    daemon = Daemon(app)
    daemon.scheduler.start()
    queue(app.store, "Backend Engineer")
    daemon.deliver_soon()
    daemon.stopping.set()
    await daemon.stop()  # closes the app
    assert any("Backend Engineer" in m.body for m in printed)
    assert daemon._drainer is not None and daemon._drainer.done()


async def test_a_delivery_hanging_at_shutdown_ends_quietly_and_stays_queued(
    tmp_path: Path, caplog: Any
) -> None:
    """A notifier that never answers: stop() cancels the running delivery job.
    That is a shutdown, not a crash (no ERROR, no traceback), and the alert is
    still pending: the next start sends it once the drain's claim lapses."""
    app = make_app(tmp_path, [])
    daemon = Daemon(app)
    sending = asyncio.Event()

    async def hang(message: Message) -> None:
        sending.set()
        await asyncio.sleep(3600)

    async def send(channel: Any, message: Message) -> str | None:
        await hang(message)
        return None

    app.notifier._send = send  # type: ignore[method-assign]
    queue(app.store, "Backend Engineer")
    daemon.scheduler.start()
    job = asyncio.ensure_future(daemon.delivery_job())
    await asyncio.wait_for(sending.wait(), 5)
    with caplog.at_level("INFO"):
        job.cancel()
        await asyncio.wait({job}, timeout=5)
        assert job.done() and not job.cancelled() and job.exception() is None
        daemon.scheduler.shutdown(wait=False)
    assert "delivery interrupted at shutdown" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    # Claimed by the cut-off drain, not sent.
    assert [d["status"] for d in rows(app.store, deliveries)] == ["pending"]
    await app.aclose()


async def test_a_poll_outlasting_its_interval_is_told_at_info_not_as_a_warning(
    tmp_path: Path, caplog: Any
) -> None:
    """A slow site or a host's Retry-After can make a poll outlast its interval:
    the turn it misses is told in the user's words, not as APScheduler's WARNING."""
    app = make_app(tmp_path, [])
    daemon = Daemon(app)
    release = asyncio.Event()

    async def slow_poll(name: str) -> None:
        await release.wait()

    daemon.scheduler.add_job(
        slow_poll,
        IntervalTrigger(seconds=0.2),
        args=["Acme"],
        id="poll:Acme",
        max_instances=1,
        next_run_time=datetime.now(UTC),
    )
    caplog.set_level(logging.INFO)
    daemon.scheduler.start()
    try:
        for _ in range(50):
            if "still polling" in caplog.text:
                break
            await asyncio.sleep(0.1)
    finally:
        release.set()
        daemon.scheduler.shutdown(wait=False)
        await app.aclose()
    assert "Acme: still polling from its last turn; this turn is skipped" in caplog.text
    assert "maximum number of running instances" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
