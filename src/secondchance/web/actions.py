"""The dashboard's database actions: mark a posting applied or dismissed, and undo it.

POST only; web/server.py has checked the Host, the Origin and the form's CSRF token
before a handler here runs. Writes go through a writable Store of their own, opened at
the first action (``WRITER``): the pages' reader stays read-only, and ``secondchance
web`` against a database it may not write still shows every page. A browser is sent
back where it came from (``back``, a path on this server) with a notice and its undo;
a script (``Accept: application/json``) gets the record as JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import Connection, and_, func, select
from sqlalchemy.exc import SQLAlchemyError

from secondchance import logs
from secondchance.storage import StorageError, asks, marks
from secondchance.storage.database import Store
from secondchance.storage.schema import postings, sources
from secondchance.storage.shapes import mark_json
from secondchance.web import keys
from secondchance.web.security import safe_next


class Writer:
    """The Store actions write through, opened once, at the first action."""

    def __init__(self, opener: Callable[[], Store] | None) -> None:
        self._opener = opener
        self._store: Store | None = None
        self._lock = asyncio.Lock()

    async def store(self) -> Store:
        if self._opener is None:
            raise StorageError("this dashboard was started without a way to write")
        async with self._lock:
            if self._store is None:
                self._store = await asyncio.to_thread(self._opener)
            return self._store

    def dispose(self) -> None:
        if self._store is not None:
            self._store.dispose()
            self._store = None


WRITER = web.AppKey("writer", Writer)


def install(app: web.Application, opener: Callable[[], Store] | None) -> None:
    app[WRITER] = Writer(opener)

    async def dispose(_: web.Application) -> None:
        app[WRITER].dispose()

    app.on_cleanup.append(dispose)
    app.router.add_post("/actions/mark", mark)
    app.router.add_post("/actions/undo", undo)
    app.router.add_post("/actions/poll", poll_now)
    app.router.add_post("/actions/retry", retry_now)
    app.router.add_post("/actions/snooze", snooze)


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def refused(request: web.Request, status: int, reason: str) -> web.Response:
    """The action is not done, and why: JSON to a script, a line of text to a browser."""
    if wants_json(request):
        return web.json_response({"error": reason}, status=status)
    return web.Response(status=status, text=reason + "\n")


def _back(form: Any, **notice: object) -> str:
    """Where a browser goes after an action: the page it came from, with the notice."""
    target = safe_next(str(form.get("back", "/")))
    path, _, query = target.partition("?")
    kept = [
        part for part in query.split("&") if part and part.split("=")[0] not in ("done", "mark")
    ]
    extra = urlencode({k: str(v) for k, v in notice.items()})
    return f"{path}?{'&'.join([*kept, extra])}"


def _posting_title(connection: Connection, key: marks.PostingKey) -> str | None:
    """The posting's stored title, or None when the snapshot has no such posting."""
    company, kind, board, posting_id = key
    row = connection.execute(
        select(postings.c.title)
        .join(sources, sources.c.id == postings.c.source_id)
        .where(
            and_(
                func.lower(sources.c.company) == company.lower(),
                sources.c.kind == kind,
                sources.c.board == board,
                postings.c.posting_id == posting_id,
            )
        )
    ).first()
    return None if row is None else str(row[0])


def _mark(
    connection: Connection, key: marks.PostingKey, kind: marks.Kind, at: datetime
) -> marks.Mark | None:
    title = _posting_title(connection, key)
    if title is None:
        return None
    return marks.add(connection, key, kind, title, at)


async def _write(request: web.Request, work: Callable[..., Any], *args: Any) -> Any:
    store = await request.app[WRITER].store()
    return await store.write(work, *args)


async def mark(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    kind = str(form.get("mark", ""))
    if kind not in marks.KINDS:
        return refused(request, 400, "mark: applied or dismissed")
    company = request.app[keys.CONFIG].company(str(form.get("company", "")))
    if company is None:
        return refused(request, 404, "no company of that name is in the watchlist")
    key = (
        company.name,
        str(form.get("kind", "")),
        str(form.get("board", "")),
        str(form.get("posting", "")),
    )
    try:
        made = await _write(request, _mark, key, kind, request.app[keys.NOW]())
    except (StorageError, SQLAlchemyError) as exc:
        return refused(request, 503, f"cannot write to the database: {logs.first_line(exc)}")
    if made is None:
        return refused(request, 404, f"{company.name} has no such posting")
    if wants_json(request):
        return web.json_response(_record(made))
    raise web.HTTPSeeOther(_back(form, done=made.mark, mark=made.id))


async def undo(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    raw = str(form.get("mark", ""))
    if not raw.isdigit():
        return refused(request, 400, "undo: which mark?")
    try:
        undone = await _write(request, marks.undo, int(raw), request.app[keys.NOW]())
    except (StorageError, SQLAlchemyError) as exc:
        return refused(request, 503, f"cannot write to the database: {logs.first_line(exc)}")
    if undone is None:
        return refused(request, 404, "no such mark, or it was undone already")
    if wants_json(request):
        return web.json_response({**_record(undone), "undone": True})
    raise web.HTTPSeeOther(_back(form, done="undone", mark=undone.id))


def _record(made: marks.Mark) -> dict[str, object]:
    # The shape `import --json` prints for the marks it writes: one record, one shape.
    key = (made.company, made.source_kind, made.source_board, made.posting_id)
    return mark_json(made.mark, key, made.title, made.created_at, made.id)


def _too_soon(request: web.Request, what: str, exc: asks.TooSoon) -> web.Response:
    wait = int(exc.every.total_seconds())
    response = refused(
        request, 429, f"{what} was asked at {exc.since:%H:%M:%S} UTC: once every {wait} s"
    )
    response.headers["Retry-After"] = str(wait)
    return response


async def poll_now(request: web.Request) -> web.StreamResponse:
    """Ask the daemon to poll a company now (it takes the ask within seconds)."""
    form = await request.post()
    company = request.app[keys.CONFIG].company(str(form.get("company", "")))
    if company is None:
        return refused(request, 404, "no company of that name is in the watchlist")
    try:
        asked = await _write(request, asks.ask_poll, company.name, request.app[keys.NOW]())
    except asks.TooSoon as exc:
        return _too_soon(request, f"a poll of {company.name}", exc)
    except (StorageError, SQLAlchemyError) as exc:
        return refused(request, 503, f"cannot write to the database: {logs.first_line(exc)}")
    if wants_json(request):
        return web.json_response({"poll": company.name, "asked": asked.asked.isoformat()})
    raise web.HTTPSeeOther(_back(form, done="poll"))


async def retry_now(request: web.Request) -> web.StreamResponse:
    """Ask the daemon to try every waiting delivery now, back-off or not."""
    form = await request.post()
    try:
        asked = await _write(request, asks.ask_retry, request.app[keys.NOW]())
    except asks.TooSoon as exc:
        return _too_soon(request, "a retry", exc)
    except (StorageError, SQLAlchemyError) as exc:
        return refused(request, 503, f"cannot write to the database: {logs.first_line(exc)}")
    if wants_json(request):
        return web.json_response({"retry": True, "asked": asked.asked.isoformat()})
    raise web.HTTPSeeOther(_back(form, done="retry"))


# A snooze longer than this is a mistake, or a wish to stop watching (disable the company).
SNOOZE_MAX_DAYS = 366


async def snooze(request: web.Request) -> web.StreamResponse:
    """Snooze a company's alerts until the start of a date (the watchlist's time zone):
    they are written and wait, and go when it ends; undo sends them at once."""
    form = await request.post()
    config = request.app[keys.CONFIG]
    company = config.company(str(form.get("company", "")))
    if company is None:
        return refused(request, 404, "no company of that name is in the watchlist")
    now = request.app[keys.NOW]()
    try:
        day = date.fromisoformat(str(form.get("until", "")))
    except ValueError:
        return refused(request, 400, "until: a date, YYYY-MM-DD")
    until = datetime.combine(day, time(0), tzinfo=config.policy.tz)
    if not now < until <= now + timedelta(days=SNOOZE_MAX_DAYS):
        return refused(request, 400, f"until: a date after today and within {SNOOZE_MAX_DAYS} days")
    try:
        made = await _write(request, marks.snooze, company.name, until, now)
    except (StorageError, SQLAlchemyError) as exc:
        return refused(request, 503, f"cannot write to the database: {logs.first_line(exc)}")
    if wants_json(request):
        return web.json_response({**_record(made), "until": until.isoformat()})
    raise web.HTTPSeeOther(_back(form, done="snoozed", mark=made.id))
