"""The open postings that pass the filters, across companies, kept between requests:
reading and judging 100,000 postings takes most of a second, and they change only when
a poll is stored (or the watchlist is reloaded)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web

from secondchance.config import Config
from secondchance.storage import dashboard
from secondchance.storage.queries import StoredPosting
from secondchance.web import keys, views


@dataclass(frozen=True, slots=True)
class Kept:
    config: Config
    mark: tuple[object, ...]
    passing: list[StoredPosting]
    any_open: bool


class Jobs:
    """The last list read, with what it was read for."""

    def __init__(self) -> None:
        self.kept: Kept | None = None


JOBS = web.AppKey("jobs", Jobs)


def install(app: web.Application) -> None:
    app[JOBS] = Jobs()


async def passing(request: web.Request) -> tuple[list[StoredPosting], bool]:
    """(the open postings that pass the filters, whether any posting is open at all),
    read again when a poll was stored since or the watchlist changed."""
    store, config = request.app[keys.READER], request.app[keys.CONFIG]
    jobs = request.app[JOBS]
    mark = await store.read(dashboard.snapshot_mark)
    kept = jobs.kept
    if kept is None or kept.config is not config or kept.mark != mark:
        postings = await store.read(dashboard.open_postings)
        # Judging them takes most of a second of CPU: off the event loop, which in the
        # daemon also runs the polls and the deliveries.
        judged = await asyncio.to_thread(views.passing, config, postings)
        # Two requests at once may both read: the later one's list is kept, both right.
        kept = Kept(config, mark, judged, bool(postings))
        jobs.kept = kept
    return kept.passing, kept.any_open
