"""The jobs list is kept between requests, and read again once a poll is stored."""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dashboard_site import GH, GLOBEX, Site, board, get_html
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import Connection

from conftest import BoardServer
from secondchance.cli import main
from secondchance.config import Config, database_url
from secondchance.config.load import load
from secondchance.core.diff import Policy, diff_source
from secondchance.core.models import Posting, SourceRef
from secondchance.storage import boards, dashboard, snapshot
from secondchance.storage.boards import read_all
from secondchance.storage.database import Store, open_store
from secondchance.storage.queries import StoredPosting
from secondchance.web import jobs, keys
from secondchance.web.server import WebServer

WATCHLIST = """
[settings.endpoints]
greenhouse = "{boards}"

[[company]]
name = "Acme"
greenhouse = "acme"
"""


async def test_a_poll_stored_since_shows_on_the_next_request(
    tmp_path: Path, boards: BoardServer
) -> None:
    site = Site(tmp_path, WATCHLIST.format(boards=boards.url))
    boards.set(GH, board((1, "Backend Engineer")))
    await asyncio.to_thread(site.once)
    # As a running daemon does, a writer keeps the database open (its -wal file
    # there): the pages' reader then sees each poll stored.
    daemon = open_store(database_url(None, site.data))
    daemon.read_now(lambda connection: connection.exec_driver_sql("SELECT 1"))
    try:
        async with site.client() as client:
            first = await get_html(client, "/jobs")
            boards.set(GH, board((1, "Backend Engineer"), (2, "Data Engineer")))
            await asyncio.to_thread(site.once)
            second = await get_html(client, "/jobs")
            api = await (await client.get("/api/jobs")).json()
    finally:
        daemon.dispose()
    assert [r.css_first("td").text() for r in first.css("tbody tr")] == ["Backend Engineer"]
    assert sorted(r.css_first("td").text() for r in second.css("tbody tr")) == [
        "Backend Engineer",
        "Data Engineer",
    ]
    assert api["total"] == 2


TWO = """
[settings.endpoints]
greenhouse = "{boards}"

[[company]]
name = "Acme"
greenhouse = "acme"
[company.filter]
include = ["{acme}"]

[[company]]
name = "Globex"
greenhouse = "globex"
[company.filter]
include = ["analyst"]
"""


def titles(tree: HTMLParser) -> list[str]:
    return sorted(row.css_first("td").text() for row in tree.css("tbody tr"))


def whole(store: Store, config: Config) -> list[StoredPosting]:
    """The list as a first request reads it: every board, judged afresh."""
    return jobs.judge(config, store.read_now(jobs.read, None), None).passing


async def test_a_poll_of_one_company_reads_only_its_boards_and_lists_as_a_whole_read(
    tmp_path: Path, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = await two_boards_polled(tmp_path, boards)
    asked = whole_reads(monkeypatch)
    daemon = open_store(database_url(None, site.data))
    daemon.read_now(lambda connection: connection.exec_driver_sql("SELECT 1"))
    ids = {s.company: s.id for s in daemon.read_now(read_all).values()}
    try:
        async with site.client() as client:
            first = await get_html(client, "/jobs")
            # Globex's board changes but is not polled: nothing of it may move.
            boards.set(GH, board((1, "Backend Engineer"), (5, "Frontend Engineer")))
            boards.set(GLOBEX, board((3, "Data Analyst"), (6, "BI Analyst")))
            await asyncio.to_thread(main, ["once", "--company", "Acme", *site.args])
            second = await get_html(client, "/jobs")
            api = await (await client.get("/api/jobs")).json()
            app = client.server.app
            kept = app[jobs.JOBS].kept
            assert kept is not None
            expected = whole(app[keys.READER], app[keys.CONFIG])
    finally:
        daemon.dispose()
    assert titles(first) == ["Backend Engineer", "Data Analyst"]
    assert titles(second) == ["Backend Engineer", "Data Analyst", "Frontend Engineer"]
    assert api["total"] == 3
    # The first request read every board, the one after Acme's poll Acme's alone.
    assert asked[:2] == [None, {ids["Acme"]}]
    # ... and what it kept is what a whole read gives, in the same order.
    assert kept.passing == expected
    assert kept.any_open


async def test_a_reload_judges_every_board_again(tmp_path: Path, boards: BoardServer) -> None:
    site = await two_boards_polled(tmp_path, boards)
    async with site.client() as client:
        first = await get_html(client, "/jobs")
        # Nothing polled since: only the watchlist, another object, tells the list to move.
        site.path.write_text(TWO.format(boards=boards.url, acme="manager"), encoding="utf-8")
        reloaded = load(site.path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            client.server.app[keys.CONFIG] = reloaded
        second = await get_html(client, "/jobs")
        expected = whole(client.server.app[keys.READER], reloaded)
        kept = client.server.app[jobs.JOBS].kept
    assert titles(first) == ["Backend Engineer", "Data Analyst"]
    assert titles(second) == ["Data Analyst", "Office Manager"]
    assert kept is not None and kept.passing == expected


def test_a_board_no_longer_stored_drops_out_and_the_others_are_kept_as_judged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(TWO.format(boards="http://127.0.0.1:9", acme="engineer"), encoding="utf-8")
    config = load(path)
    at = datetime(2026, 11, 2, tzinfo=UTC)

    def stored(row: int, company: str, title: str, board: str) -> tuple[int, StoredPosting]:
        ref = SourceRef(company, "greenhouse", board)
        item = StoredPosting(company, ref, Posting(id=str(row), title=title), "open", at, at, None)
        return row, item

    # Acme has two boards: its postings are merged in the order they were stored.
    one, two = stored(3, "Acme", "Backend Engineer", "a"), stored(1, "Acme", "QA Engineer", "b")
    globex = stored(2, "Globex", "Data Analyst", "g")
    marks = {10: ("Acme", 1, at), 11: ("Acme", 1, at), 20: ("Globex", 1, at)}
    read = jobs.Read((1,), marks, {10: [one], 11: [two], 20: [globex]}, True)
    first = jobs.judge(config, read, None)
    assert [i.posting.title for i in first.passing] == [
        "QA Engineer",
        "Backend Engineer",
        "Data Analyst",
    ]
    gone = jobs.judge(config, jobs.Read((2,), {10: marks[10], 20: marks[20]}, {}, False), first)
    assert [i.posting.title for i in gone.passing] == ["Backend Engineer", "Data Analyst"]
    assert gone.boards[10] is first.boards[10] and gone.boards[20] is first.boards[20]


def test_postings_written_outside_a_poll_make_every_board_read(tmp_path: Path) -> None:
    """A snapshot mark that moved with no board's mark moving (postings written
    without a poll's board state): the whole list is read, not a part."""
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        refs = [SourceRef("Acme", "greenhouse", "acme"), SourceRef("Globex", "greenhouse", "gx")]
        states, _ = store.write_now(boards.lock, ["Acme", "Globex"], refs)
        first = store.read_now(jobs.read, None)
        assert first.whole
        kept = {
            i: jobs.Board(mark, [], len(found))
            for i, found in first.postings.items()
            for mark in [first.marks[i]]
        }
        diff = diff_source(
            refs[0], {}, [Posting(id="1", title="Engineer")], Policy(), baseline=True
        )
        at = datetime(2026, 11, 2, tzinfo=UTC)
        store.write_now(snapshot.write_diff, states[refs[0]].id, {}, diff, at)
        again = store.read_now(jobs.read, kept)
    finally:
        store.dispose()
    assert again.whole and set(again.postings) == {s.id for s in states.values()}
    assert [p.posting.title for _, p in again.postings[states[refs[0]].id]] == ["Engineer"]


def whole_reads(monkeypatch: pytest.MonkeyPatch) -> list[Collection[int] | None]:
    """Each read of open postings from now on: None for every board, else the ids
    of the boards read."""
    asked: list[Collection[int] | None] = []
    reads = dashboard.open_by_board

    def spy(connection: Connection, ids: Collection[int] | None = None) -> object:
        asked.append(None if ids is None else set(ids))
        return reads(connection, ids)

    monkeypatch.setattr(dashboard, "open_by_board", spy)
    return asked


async def two_boards_polled(tmp_path: Path, boards: BoardServer) -> Site:
    """Acme (filtered to engineers) and Globex, each with a posting that passes and
    one that does not, polled once."""
    site = Site(tmp_path, TWO.format(boards=boards.url, acme="engineer"))
    boards.set(GH, board((1, "Backend Engineer"), (2, "Office Manager")))
    boards.set(GLOBEX, board((3, "Data Analyst"), (4, "Cook")))
    await asyncio.to_thread(site.once)
    return site


async def test_the_list_is_built_when_the_server_starts_and_the_first_request_uses_it(
    tmp_path: Path, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = await two_boards_polled(tmp_path, boards)
    asked = whole_reads(monkeypatch)
    async with site.client() as client:
        app = client.server.app
        await jobs.warming(app)
        built = app[jobs.JOBS].kept
        # Built with no request made: every board read and judged once.
        assert asked == [None]
        first = await get_html(client, "/jobs")
        api = await (await client.get("/api/jobs")).json()
        assert app[jobs.JOBS].kept is built
    assert asked == [None]
    assert built is not None and built.config is app[keys.CONFIG]
    assert titles(first) == ["Backend Engineer", "Data Analyst"]
    assert api["total"] == 2


async def test_a_request_during_the_build_at_start_waits_for_it_and_builds_nothing_more(
    tmp_path: Path, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = await two_boards_polled(tmp_path, boards)
    asked = whole_reads(monkeypatch)
    release, judging = threading.Event(), threading.Event()
    judged = jobs.judge
    calls = 0

    def slow(config: Config, found: jobs.Read, before: jobs.Kept | None) -> jobs.Kept:
        nonlocal calls
        calls += 1
        judging.set()
        release.wait(10)  # the build at start is still judging when the request comes
        return judged(config, found, before)

    monkeypatch.setattr(jobs, "judge", slow)
    async with site.client() as client:
        app = client.server.app
        assert await asyncio.to_thread(judging.wait, 10)
        request = asyncio.create_task(get_html(client, "/jobs"))
        await asyncio.sleep(0.2)
        assert not request.done()  # it waits for the build under way ...
        release.set()
        page = await request
        await jobs.warming(app)
    # ... and uses its list: one read, one judging, in all.
    assert asked == [None] and calls == 1
    assert titles(page) == ["Backend Engineer", "Data Analyst"]


async def test_a_reload_builds_the_list_for_the_new_watchlist_ahead(
    tmp_path: Path, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = await two_boards_polled(tmp_path, boards)
    asked = whole_reads(monkeypatch)
    async with site.client() as client:
        app = client.server.app
        await jobs.warming(app)
        site.path.write_text(TWO.format(boards=boards.url, acme="manager"), encoding="utf-8")
        reloaded = load(site.path)
        # As the daemon's scheduler tells its server after a reload.
        WebServer(app, "127.0.0.1:9").reloaded(reloaded)
        await jobs.warming(app)
        kept = app[jobs.JOBS].kept
        assert asked == [None, None]
        second = await get_html(client, "/jobs")
    assert asked == [None, None]
    assert kept is not None and kept.config is reloaded
    assert titles(second) == ["Data Analyst", "Office Manager"]


async def test_the_overview_counts_from_the_kept_list_and_reads_only_boards_polled_since(
    tmp_path: Path, boards: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Site(tmp_path, TWO.format(boards=boards.url, acme="engineer"))
    boards.set(GH, board((1, "Backend Engineer"), (2, "Office Manager")))
    boards.set(GLOBEX, board((3, "Data Analyst"), (4, "BI Analyst"), (5, "Cook")))
    await asyncio.to_thread(site.once)
    daemon = open_store(database_url(None, site.data))
    daemon.read_now(lambda connection: connection.exec_driver_sql("SELECT 1"))
    ids = {s.company: s.id for s in daemon.read_now(read_all).values()}
    asked = whole_reads(monkeypatch)
    try:
        async with site.client() as client:
            await jobs.warming(client.server.app)
            first = await get_html(client, "/")
            boards.set(GH, board((1, "Backend Engineer"), (6, "QA Engineer"), (7, "Engineer")))
            await asyncio.to_thread(main, ["once", "--company", "Acme", *site.args])
            second = await get_html(client, "/")
    finally:
        daemon.dispose()

    def counts(tree: HTMLParser) -> list[str]:
        return [n.text() for n in tree.css("dd") if "pass your filters" in n.text()]

    # Acme: 1 then 3 pass (Office Manager, gone from one poll, is not closed yet);
    # Globex: 2 of 3 throughout.
    assert counts(first) == ["2, 1 pass your filters", "3, 2 pass your filters"]
    assert counts(second) == ["4, 3 pass your filters", "3, 2 pass your filters"]
    # The build at start read every board; the first overview nothing more, the
    # second only Acme's board, polled since.
    assert asked == [None, {ids["Acme"]}]
