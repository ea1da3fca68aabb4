"""Companies fetched while the database is busy are written together.

One transaction per batch keeps a thousand-company poll cheap; these tests
check that batching changes nothing a user can see: every company still gets
its own snapshot and alerts, and one company's failure does not take the rest
of its batch down with it. Real board server, real database (both backends).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from conftest import BoardServer, rows
from secondchance.config import Config, load
from secondchance.daemon.app import channels, poll_settings, store_for
from secondchance.daemon.poller import Poller
from secondchance.fetch.client import Fetcher
from secondchance.storage.database import Store
from secondchance.storage.schema import alerts, postings, sources

COMPANIES = [f"Co{index}" for index in range(6)]


def board(token: str, *ids: int) -> dict[str, Any]:
    return {"jobs": [{"id": i, "title": f"{token} role {i}"} for i in ids]}


def path(token: str) -> str:
    return f"/v1/boards/{token}/jobs"


class Setup:
    def __init__(self, config: Config, store: Store, poller: Poller, fetcher: Fetcher):
        self.config, self.store, self.poller, self.fetcher = config, store, poller, fetcher
        self.commits = 0
        event.listen(store.engine, "commit", self._count)

    def _count(self, *_: object) -> None:
        self.commits += 1

    async def poll_all_at_once(self) -> list[Any]:
        """Hold the database thread while every company fetches, so their
        writes queue up and go as one batch."""
        await self.poller.prefetch(self.config.companies)  # as `once` does: no per-company reads
        release = threading.Event()
        busy = asyncio.ensure_future(self.store.call(release.wait, 10))
        polls = [
            asyncio.ensure_future(self.poller.poll(company)) for company in self.config.companies
        ]
        for _ in range(500):
            if self.poller.writes.waiting == len(polls) or any(p.done() for p in polls):
                break
            await asyncio.sleep(0.01)
        release.set()
        await busy
        return await asyncio.gather(*polls, return_exceptions=True)


@pytest.fixture
async def setup(tmp_path: Path, boards: BoardServer, database: str) -> AsyncIterator[Setup]:
    companies = "".join(
        f'[[company]]\nname = "{name}"\ngreenhouse = "{name.lower()}"\n\n' for name in COMPANIES
    )
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(
        f'[settings]\ndatabase = "{database}"\n\n'
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n\n{companies}',
        encoding="utf-8",
    )
    config = load(watchlist)
    store = store_for(config, tmp_path / "data")
    fetcher = Fetcher(timeout=5.0, retries=0, retry_delay=0)
    settings = replace(
        poll_settings(config, channels(config)), channels=lambda company, kind: ["test"]
    )
    yield Setup(config, store, Poller(store, fetcher, settings), fetcher)
    await fetcher.aclose()
    store.dispose()


def alerts_by_company(store: Store) -> dict[str, list[tuple[str, str | None]]]:
    out: dict[str, list[tuple[str, str | None]]] = {}
    for row in rows(store, alerts):
        out.setdefault(row["company"], []).append((row["kind"], row["posting_id"]))
    return out


async def test_a_batch_keeps_every_company_apart(setup: Setup, boards: BoardServer) -> None:
    for index, name in enumerate(COMPANIES):
        boards.set(path(name.lower()), board(name, *range(1, index + 2)))
    before = setup.commits
    reports = await setup.poll_all_at_once()
    assert all(not isinstance(r, BaseException) for r in reports)
    # The six companies went in one transaction (plus the blocking call's none).
    assert setup.commits - before == 1
    boards_stored = rows(setup.store, sources)
    assert {s["company"]: s["open_count"] for s in boards_stored} == {
        name: index + 1 for index, name in enumerate(COMPANIES)
    }
    assert all(s["baseline_done"] and s["attempts"] == 1 for s in boards_stored)
    assert len(rows(setup.store, postings)) == sum(range(1, len(COMPANIES) + 1))

    # Next round: each company gets exactly its own change, nothing else.
    for index, name in enumerate(COMPANIES):
        boards.set(path(name.lower()), board(name, *range(1, index + 2), 100 + index))
    reports = await setup.poll_all_at_once()
    for name, report in zip(COMPANIES, reports, strict=True):
        index = COMPANIES.index(name)
        assert [(a.kind, a.posting_id) for a in report.alerts] == [("new", str(100 + index))]
        assert all(a.company == name for a in report.alerts)
    assert alerts_by_company(setup.store) == {
        name: [("new", str(100 + index))] for index, name in enumerate(COMPANIES)
    }


async def test_one_failing_company_does_not_fail_its_batch(
    setup: Setup, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in COMPANIES:
        boards.set(path(name.lower()), board(name, 1, 2))
    await setup.poll_all_at_once()
    for name in COMPANIES:
        boards.set(path(name.lower()), board(name, 1, 2, 3))

    original = Poller._store_company

    def flaky(self: Poller, connection: Any, company: Any, *args: Any) -> Any:
        if company.name == "Co3":
            raise RuntimeError("disk trouble for Co3")
        return original(self, connection, company, *args)

    monkeypatch.setattr(Poller, "_store_company", flaky)
    reports = await setup.poll_all_at_once()
    failed = [r for r in reports if isinstance(r, BaseException)]
    assert [str(e) for e in failed] == ["disk trouble for Co3"]
    alerts = alerts_by_company(setup.store)
    assert sorted(alerts) == sorted(n for n in COMPANIES if n != "Co3")
    assert all(kinds == [("new", "3")] for kinds in alerts.values())
    # Co3's write was rolled back whole: its snapshot and counters are as before.
    (co3,) = [s for s in rows(setup.store, sources) if s["company"] == "Co3"]
    assert (co3["attempts"], co3["open_count"]) == (1, 2)
    ids = [p["posting_id"] for p in rows(setup.store, postings) if p["source_id"] == co3["id"]]
    assert sorted(ids) == ["1", "2"]

    # Once the trouble is gone, Co3's next poll finds the change as usual.
    monkeypatch.setattr(Poller, "_store_company", original)
    report = await setup.poller.poll(setup.config.companies[3])
    assert [(a.kind, a.posting_id) for a in report.alerts] == [("new", "3")]


async def test_one_company_twice_in_the_queue_is_written_twice_not_diffed_twice(
    setup: Setup, boards: BoardServer, caplog: pytest.LogCaptureFixture
) -> None:
    for name in COMPANIES:
        boards.set(path(name.lower()), board(name, 1))
    await setup.poll_all_at_once()
    # Slow answers: both polls have read their board rows and are fetching when
    # the database thread gets busy, so both writes queue up behind it.
    boards.set(path("co0"), board("Co0", 1, 2), delay=0.5)
    company = setup.config.companies[0]
    polls = [asyncio.ensure_future(setup.poller.poll(company)) for _ in range(2)]
    await asyncio.sleep(0.25)
    release = threading.Event()
    busy = asyncio.ensure_future(setup.store.call(release.wait, 10))
    for _ in range(500):
        if setup.poller.writes.waiting == 2:
            break
        await asyncio.sleep(0.01)
    assert setup.poller.writes.waiting == 2
    release.set()
    await busy
    with caplog.at_level("WARNING", logger="secondchance.daemon.poller"):
        reports = await asyncio.gather(*polls)
    # Whichever is written first finds the new posting; the second finds it known,
    # in a transaction of its own (not by a failed batch falling back).
    assert sorted(len(r.alerts) for r in reports) == [0, 1]
    assert alerts_by_company(setup.store) == {"Co0": [("new", "2")]}
    assert "one at a time" not in caplog.text


async def polls_with_reads_queued(setup: Setup) -> list[Any]:
    """Hold the database thread while every company asks for its source rows
    (no prefetch, as in the daemon), so the reads queue up behind it."""
    release = threading.Event()
    busy = asyncio.ensure_future(setup.store.call(release.wait, 10))
    polls = [asyncio.ensure_future(setup.poller.poll(c)) for c in setup.config.companies]
    for _ in range(500):
        if setup.poller.reads.waiting == len(polls):
            break
        await asyncio.sleep(0.01)
    assert setup.poller.reads.waiting == len(polls)
    release.set()
    await busy
    return await asyncio.gather(*polls, return_exceptions=True)


async def test_polls_that_come_due_together_read_their_rows_together(
    setup: Setup, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in COMPANIES:
        boards.set(path(name.lower()), board(name, 1))
    await setup.poll_all_at_once()
    for index, name in enumerate(COMPANIES):
        boards.set(path(name.lower()), board(name, 1, 10 + index))

    from secondchance.storage import boards as boardstate

    original = boardstate.read_companies
    calls: list[list[str]] = []

    def spy(connection: Any, companies: Any) -> Any:
        calls.append(list(companies))
        return original(connection, companies)

    monkeypatch.setattr(boardstate, "read_companies", spy)
    reports = await polls_with_reads_queued(setup)
    assert all(not isinstance(r, BaseException) for r in reports)
    # Six waiting polls, one read; the calls after it are the write batches' locks.
    assert calls[0] == COMPANIES
    # Each poll still got its own company's rows: the validators and baseline of
    # the right board (one new posting each, nothing re-announced).
    for index, report in enumerate(reports):
        assert [(a.company, a.kind, a.posting_id) for a in report.alerts] == [
            (COMPANIES[index], "new", str(10 + index))
        ]


async def test_a_failed_read_fails_every_poll_waiting_on_it_and_the_next_one_reads_again(
    setup: Setup, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in COMPANIES:
        boards.set(path(name.lower()), board(name, 1))
    await setup.poll_all_at_once()

    from secondchance.storage import boards as boardstate

    original = boardstate.read_companies

    def broken(connection: Any, companies: Any) -> Any:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(boardstate, "read_companies", broken)
    reports = await polls_with_reads_queued(setup)
    assert [str(r) for r in reports] == ["database is locked"] * len(COMPANIES)
    assert setup.poller.reads.waiting == 0

    monkeypatch.setattr(boardstate, "read_companies", original)
    boards.set(path("co2"), board("Co2", 1, 2))
    report = await setup.poller.poll(setup.config.companies[2])
    assert [(a.kind, a.posting_id) for a in report.alerts] == [("new", "2")]
