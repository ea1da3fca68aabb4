"""Poll now and retry now: asks written to the database by the dashboard, rate-limited
where they are asked, and carried out by the daemon (which may be another process)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from dashboard_site import GH, Site, board, get_html, text_of

from conftest import BoardServer
from secondchance.daemon.asks import carry_out
from secondchance.storage import asks
from secondchance.storage.database import open_store
from secondchance.web import csrf

WATCHLIST = """
[settings.endpoints]
greenhouse = "{boards}"

[[company]]
name = "Acme"
greenhouse = "acme"
"""
AT = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)

Client = TestClient[web.Request, web.Application]


def _form(client: Client, **fields: str) -> dict[str, str]:
    return {**fields, csrf.FIELD: csrf.token_for(client.app[csrf.SECRET], "")}


def test_asks_are_rate_limited_taken_once_and_read_without_a_write(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        assert store.read_now(asks.waiting) is False
        store.write_now(asks.ask_poll, "Acme", AT)
        with pytest.raises(asks.TooSoon):
            store.write_now(asks.ask_poll, "Acme", AT + timedelta(seconds=59))
        store.write_now(asks.ask_poll, "Globex", AT)  # per company
        store.write_now(asks.ask_retry, AT)
        with pytest.raises(asks.TooSoon):
            store.write_now(asks.ask_retry, AT + timedelta(seconds=29))
        assert store.read_now(asks.waiting) is True
        taken = store.write_now(asks.take, AT + timedelta(seconds=2))
        assert (taken.polls, taken.retry) == (["Acme", "Globex"], True)
        assert store.read_now(asks.waiting) is False
        again = store.write_now(asks.take, AT + timedelta(seconds=4))
        assert (again.polls, again.retry) == ([], False)
        assert store.read_now(asks.polls_asked)["Acme"].taken == AT + timedelta(seconds=2)
        # After the minute, asked again.
        store.write_now(asks.ask_poll, "Acme", AT + timedelta(seconds=61))
        assert store.write_now(asks.take, AT + timedelta(seconds=62)).polls == ["Acme"]
    finally:
        store.dispose()


class _Notifier:
    """Stands in for delivery only: what carry_out asked of it."""

    def __init__(self) -> None:
        self.drains: list[bool] = []

    async def drain(self, *, ignore_backoff: bool = False) -> None:
        self.drains.append(ignore_backoff)


async def test_the_daemon_runs_the_company_s_own_poll_job_now(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    scheduler = AsyncIOScheduler(timezone=UTC)
    polled: list[str] = []
    ran = asyncio.Event()

    async def poll(name: str) -> None:
        polled.append(name)
        ran.set()

    far = datetime.now(UTC) + timedelta(hours=1)
    scheduler.add_job(poll, "interval", hours=1, args=["Acme"], id="poll:Acme", next_run_time=far)
    scheduler.start()
    notifier: Any = _Notifier()
    try:
        await carry_out(store, scheduler, notifier)  # nothing asked: nothing done
        assert polled == [] and notifier.drains == []
        now = datetime.now(UTC)
        await store.write(asks.ask_poll, "Acme", now)
        await store.write(asks.ask_poll, "Gone Inc", now)  # not watched: said, skipped
        await store.write(asks.ask_retry, now)
        await carry_out(store, scheduler, notifier)
        await asyncio.wait_for(ran.wait(), 5)
        assert polled == ["Acme"]
        assert notifier.drains == [True]
        job = scheduler.get_job("poll:Acme")
        assert job is not None and job.next_run_time > datetime.now(UTC) + timedelta(minutes=59)
        await carry_out(store, scheduler, notifier)  # taken once
        assert polled == ["Acme"] and notifier.drains == [True]
    finally:
        scheduler.shutdown(wait=False)
        store.dispose()


async def test_poll_now_and_retry_now_on_the_pages(tmp_path: Path) -> None:
    boards = BoardServer()
    try:
        site = Site(tmp_path, WATCHLIST.format(boards=boards.url))
        boards.set(GH, board((1, "Backend Engineer")))
        await asyncio.to_thread(site.once)
        async with site.client(writes=True) as client:
            asked = await client.post(
                "/actions/poll",
                data=_form(client, company="Acme", back="/company/Acme"),
                allow_redirects=False,
            )
            assert asked.headers["Location"] == "/company/Acme?done=poll"
            page = text_of(await get_html(client, asked.headers["Location"]))
            assert "Poll asked" in page and "waiting for the daemon" in page
            again = await client.post("/actions/poll", data=_form(client, company="Acme"))
            assert again.status == 429 and "once every 60 s" in await again.text()
            assert 0 < int(again.headers["Retry-After"]) <= 60
            unknown = await client.post("/actions/poll", data=_form(client, company="Nobody"))
            assert unknown.status == 404
            retry = await client.post(
                "/actions/retry",
                data=_form(client, back="/deliveries"),
                headers={"Accept": "application/json"},
            )
            assert (await retry.json())["retry"] is True
            page = text_of(await get_html(client, "/deliveries?done=retry"))
            assert "Retry asked" in page and "waiting for the daemon" in page
    finally:
        boards.close()
