"""The open postings that pass the filters, across companies, kept between requests:
reading and judging 100,000 postings takes most of a second, and they change only when
a poll is stored (or the watchlist is reloaded).

They are kept per board: when `storage/dashboard.snapshot_mark` says a poll was
stored, only the boards whose own mark moved (`board_marks`: a poll writes the board's
attempts and time with its postings) are read and judged again, and the list is put
back together in the order a whole read gives (company, first seen, row). A watchlist
that is another object (a reload may change every filter) is judged again whole, and
so is a change no board's mark shows (postings written outside a poll).

The whole list is built ahead, in the background: when the server starts and when
pages are handed another watchlist (``warm``, through ``keys.adopt``: a reload, an
edit), so the first visitor of /jobs does not pay the second or two it takes. One
build at a time: a request that comes while a build (the warm-up's or another
request's) is under way waits for it and then uses its list, only reading again
what was stored since.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import chain

from aiohttp import web
from sqlalchemy import Connection

from secondchance.config import Config
from secondchance.storage import dashboard
from secondchance.storage.queries import StoredPosting
from secondchance.web import keys, narrowing, views

log = logging.getLogger(__name__)

# A posting with its row id (postings first seen together keep their order by it).
Numbered = tuple[int, StoredPosting]


@dataclass(frozen=True, slots=True)
class Board:
    """One board's open postings as judged: those that pass, in order, and how many
    are open at all."""

    mark: tuple[str, object, object]
    passing: list[Numbered]
    open: int


@dataclass(frozen=True, slots=True)
class Kept:
    config: Config
    mark: tuple[object, ...]
    boards: Mapping[int, Board]
    # Each company (as its boards store its name): its passing postings, in order.
    companies: Mapping[str, list[StoredPosting]]
    passing: list[StoredPosting]
    any_open: bool
    # What a search looks in, for each posting of ``passing`` (views.search_text),
    # made when it is judged: a search of 100,000 postings would otherwise spend
    # most of its time making them. By company as ``companies``, and all in order.
    searched: Mapping[str, list[str]]
    texts: list[str]


@dataclass(frozen=True, slots=True)
class Read:
    """What one read found: the snapshot's mark, every board's, and the open
    postings of the boards read (every board when ``whole``)."""

    mark: tuple[object, ...]
    marks: dict[int, tuple[str, object, object]]
    postings: dict[int, list[Numbered]]
    whole: bool


class Jobs:
    """The last list read, with what it was read for; the lock one build at a time
    holds, and the background builds asked for and not done (a second reload while
    one runs waits for the lock behind it)."""

    def __init__(self) -> None:
        self.kept: Kept | None = None
        self.lock = asyncio.Lock()
        self.warming: set[asyncio.Task[None]] = set()


JOBS = web.AppKey("jobs", Jobs)


def install(app: web.Application) -> None:
    app[JOBS] = Jobs()
    app[keys.RELOADED] = warm

    async def start(app: web.Application) -> None:
        warm(app)

    async def stop(app: web.Application) -> None:
        tasks = list(app[JOBS].warming)
        # A read under way finishes on the store's thread: disposing the store
        # (on_cleanup, after this) waits for it.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    app.on_startup.append(start)
    app.on_shutdown.append(stop)


def warm(app: web.Application) -> None:
    """Build the list in the background for the watchlist running now (when the
    server starts, and after a reload): requests that come meanwhile wait for it."""
    jobs = app[JOBS]
    task = asyncio.get_running_loop().create_task(_warm(app))
    jobs.warming.add(task)
    task.add_done_callback(jobs.warming.discard)


async def _warm(app: web.Application) -> None:
    try:
        await current(app)
    except Exception:
        # Not fatal: the first request builds it (and shows the error, if it lasts).
        log.warning("could not build the jobs list ahead", exc_info=True)


async def warming(app: web.Application) -> None:
    """Until the background builds asked for, if any, are done."""
    tasks = list(app[JOBS].warming)
    if tasks:
        await asyncio.shield(asyncio.gather(*tasks))


def read(connection: Connection, boards: Mapping[int, Board] | None) -> Read:
    """Every board's postings when ``boards`` is None; else those of the boards whose
    mark moved since ``boards`` were read (new ones too), or every board's when none
    did though the snapshot's mark moved."""
    # In this order: what is read after a mark is at least as new as the mark, so
    # a poll stored meanwhile is read again next time, never missed.
    mark = dashboard.snapshot_mark(connection)
    marks = dashboard.board_marks(connection)
    if boards is not None:
        moved = {i for i, m in marks.items() if i not in boards or boards[i].mark != m}
        if moved or set(boards) - set(marks):
            return Read(mark, marks, dashboard.open_by_board(connection, moved), False)
    return Read(mark, marks, dashboard.open_by_board(connection), True)


def judge(config: Config, found: Read, before: Kept | None) -> Kept:
    """The kept list after ``found``: boards not read are kept as ``before`` judged
    them (``before`` is for the same ``config``)."""
    boards = {} if found.whole or before is None else dict(before.boards)
    for gone in set(boards) - set(found.marks):
        del boards[gone]
    touched: set[str] = set()
    for board_id, numbered in found.postings.items():
        mark = found.marks.get(board_id)
        if mark is None:  # removed between the two reads
            continue
        boards[board_id] = Board(mark, _passing(config, numbered), len(numbered))
        touched.add(mark[0])
    if found.whole or before is None:
        companies = _companies(boards, None)
        searched = {name: _texts(items) for name, items in companies.items()}
    else:
        touched |= {b.mark[0] for i, b in before.boards.items() if i not in boards}
        companies, searched = dict(before.companies), dict(before.searched)
        for name in touched:
            companies.pop(name, None)
            searched.pop(name, None)
        fresh = _companies(boards, touched)
        companies.update(fresh)
        searched.update((name, _texts(items)) for name, items in fresh.items())
    names = sorted(companies)
    passing = list(chain.from_iterable(companies[name] for name in names))
    texts = list(chain.from_iterable(searched[name] for name in names))
    any_open = any(board.open for board in boards.values())
    return Kept(config, found.mark, boards, companies, passing, any_open, searched, texts)


def _texts(items: list[StoredPosting]) -> list[str]:
    return [narrowing.search_text(item) for item in items]


def _passing(config: Config, numbered: list[Numbered]) -> list[Numbered]:
    # The filters are views.passing's, so the page and this list judge alike.
    kept = {id(item) for item in views.passing(config, [item for _, item in numbered])}
    return [pair for pair in numbered if id(pair[1]) in kept]


def _companies(
    boards: Mapping[int, Board], names: Collection[str] | None
) -> dict[str, list[StoredPosting]]:
    """The passing postings of these companies (every company when None), each in
    the order first seen, then by row."""
    grouped: dict[str, list[list[Numbered]]] = {}
    for board in boards.values():
        name = board.mark[0]
        if names is None or name in names:
            grouped.setdefault(name, []).append(board.passing)
    out = {}
    for name, lists in grouped.items():
        merged = lists[0] if len(lists) == 1 else list(chain.from_iterable(lists))
        if len(lists) > 1:
            merged.sort(key=lambda item: (item[1].first_seen, item[0]))
        if merged:
            out[name] = [item for _, item in merged]
    return out


async def passing(request: web.Request) -> tuple[list[StoredPosting], list[str], bool]:
    """(the open postings that pass the filters, what a search looks in for each,
    whether any posting is open at all), read again when a poll was stored since or
    the watchlist changed."""
    kept = await current(request.app)
    return kept.passing, kept.texts, kept.any_open


async def current(app: web.Application) -> Kept:
    """The kept list, brought up to date: read again where a poll was stored since,
    whole when the watchlist changed."""
    jobs = app[JOBS]
    async with jobs.lock:
        # Read after the wait: a reload while it waited is built for at once.
        store, config = app[keys.READER], app[keys.CONFIG]
        kept = jobs.kept
        if kept is not None and kept.config is config:
            if await store.read(dashboard.snapshot_mark) == kept.mark:
                return kept
            before: Kept | None = kept
        else:
            before = None
        found = await store.read(read, before.boards if before is not None else None)
        # Judging every posting takes most of a second of CPU: off the event loop,
        # which in the daemon also runs the polls and the deliveries.
        kept = await asyncio.to_thread(judge, config, found, before)
        jobs.kept = kept
        return kept


def still(
    kept: Kept | None,
    config: Config,
    mark: tuple[object, ...],
    marks: Mapping[int, tuple[str, object, object]],
) -> Mapping[int, Board]:
    """The boards of ``kept`` as they are now (``mark``: the snapshot's, ``marks``:
    every board's), judged for ``config``: those no poll was stored for since. None
    of them when ``kept`` is for another watchlist, or the snapshot changed in a way no
    board's mark shows (as ``read`` decides, which would read it all again)."""
    if kept is None or kept.config is not config:
        return {}
    if kept.mark == mark:
        return kept.boards
    boards = kept.boards
    moved = any(i not in boards or boards[i].mark != m for i, m in marks.items())
    if not moved and not set(boards) - set(marks):
        return {}
    return {i: board for i, board in boards.items() if marks.get(i) == board.mark}
