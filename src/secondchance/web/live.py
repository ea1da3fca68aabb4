"""Live updates: ``GET /events``, a server-sent event stream of new alerts and
finished polls, read from the application's read-only Store every couple of
seconds (a page never holds a poll up), and ``GET /api/alerts?after=ID`` for scripts.

Each event's data is JSON; the browser shows it with textContent only
(static/app.js). Streams are capped, and all end at once when the server stops, so
a browser left open never delays a shutdown.

However many streams are open, the database is read once a tick (``_ticks``) and each
event framed once: every stream takes from that read what it has not sent yet. A
daemon finishing a thousand polls in a cycle would otherwise pay the read and the
framing (some 20 ms for 1,000 polls) once per open tab.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from secondchance.core.models import Alert
from secondchance.storage import dashboard
from secondchance.storage.dashboard import Poll
from secondchance.storage.database import Store
from secondchance.web import keys, views

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Follower:
    """One open stream: the last alert and poll it has (or need not be) sent, the
    frames waiting for it, and its wake-up at each tick."""

    after: int
    polled: datetime | None
    waiting: list[bytes] = field(default_factory=list)
    woken: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Streams:
    """The open streams of one application, and how often they look (tests shorten
    the intervals)."""

    cap: int = 20
    every: float = 2.0
    keep_alive: float = 15.0
    open: int = 0
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    followers: list[Follower] = field(default_factory=list)
    ticker: asyncio.Task[None] | None = None


STREAMS = web.AppKey("live_streams", Streams)
# How many alerts /api/alerts returns at once; a script asks again from the last id.
API_LIMIT = 500


def add_routes(app: web.Application) -> None:
    app[STREAMS] = Streams()
    app.router.add_get("/events", events)
    app.router.add_get("/api/alerts", alerts_after)

    async def closing(app: web.Application) -> None:
        # Runs before aiohttp waits for handlers to finish: the streams end now
        # instead of holding the shutdown for its whole timeout.
        streams = app[STREAMS]
        streams.closing.set()
        for follower in streams.followers:
            follower.woken.set()
        if streams.ticker is not None:
            await asyncio.gather(streams.ticker, return_exceptions=True)

    app.on_shutdown.append(closing)


def alert_event(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "company": views.text(alert.company),
        "kind": alert.kind.replace("_", " "),
        "title": views.alert_text(alert),
        "url": views.href(alert.url),
        "at": alert.created_at.isoformat() if alert.created_at else None,
    }


def poll_event(poll: Poll) -> dict[str, Any]:
    return {
        "company": views.text(poll.company),
        "board": poll.kind,
        "outcome": poll.outcome,
        "at": poll.at.isoformat(),
    }


def frame(name: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    """One event as the stream carries it: JSON keeps it on one data line (a newline
    in board text would otherwise end the event early)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, ensure_ascii=True)}\n\n".encode()


def _last_event_id(request: web.Request) -> int | None:
    value = request.headers.get("Last-Event-ID", "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


async def events(request: web.Request) -> web.StreamResponse:
    streams = request.app[STREAMS]
    if streams.open >= streams.cap:
        return web.Response(
            status=503,
            text="too many live streams open: close a dashboard tab\n",
            headers={"Retry-After": "30"},
        )
    store = request.app[keys.READER]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store",
            # A proxy in front (nginx) would otherwise hold events back.
            "X-Accel-Buffering": "no",
        }
    )
    streams.open += 1
    follower: Follower | None = None
    try:
        newest, polled = await store.read(dashboard.live_marks)
        # A reconnecting EventSource says what it saw last: nothing in between is lost.
        resumed = _last_event_id(request)
        follower = Follower(min(newest, resumed) if resumed is not None else newest, polled)
        streams.followers.append(follower)
        if streams.ticker is None:
            streams.ticker = asyncio.get_running_loop().create_task(_ticks(streams, store))
        await response.prepare(request)
        await response.write(b"retry: 5000\n\n")
        loop = asyncio.get_running_loop()
        quiet_since = loop.time()
        while not streams.closing.is_set():
            await follower.woken.wait()
            follower.woken.clear()
            if streams.closing.is_set():
                break
            if request.transport is None or request.transport.is_closing():
                break  # the browser went away
            out, follower.waiting = follower.waiting, []
            if not out and loop.time() - quiet_since >= streams.keep_alive:
                # A comment: keeps proxies from closing an idle stream, shows nothing.
                out.append(b": keep-alive\n\n")
            if out:
                await response.write(b"".join(out))
                quiet_since = loop.time()
        return response
    except ConnectionError:
        # The browser left between two writes: nothing to report.
        return response
    finally:
        streams.open -= 1
        if follower is not None:
            streams.followers.remove(follower)


async def _ticks(streams: Streams, store: Store) -> None:
    """Every ``every`` seconds while a stream is open: one read of what is new since
    the stream furthest behind, each event framed once, and to each stream the
    frames it has not had (as its own read from its own marks would find them)."""
    try:
        while streams.followers and not streams.closing.is_set():
            try:
                await asyncio.wait_for(streams.closing.wait(), streams.every)
                break
            except TimeoutError:
                pass
            followers = list(streams.followers)
            if not followers:
                break
            try:
                await _tick(followers, store)
            except Exception:
                # The next tick tries again; the streams stay open meanwhile.
                log.warning("live updates: could not read the database", exc_info=True)
            for follower in followers:
                # Woken at every tick, sent or not: it sees a browser gone, and
                # when a keep-alive is due.
                follower.woken.set()
    finally:
        streams.ticker = None
        for follower in streams.followers:
            follower.woken.set()


async def _tick(followers: list[Follower], store: Store) -> None:
    after = min(f.after for f in followers)
    since = [f.polled for f in followers]
    polled = None if None in since else min(at for at in since if at is not None)
    fresh, polls = await store.read(dashboard.live_since, after, polled)
    alerts = [(alert.id, frame("alert", alert_event(alert), alert.id)) for alert in fresh]
    finished = [(poll.at, frame("poll", poll_event(poll))) for poll in polls]
    for follower in followers:
        for alert_id, data in alerts:
            if alert_id > follower.after:
                follower.waiting.append(data)
                follower.after = alert_id
        start = follower.polled
        for at, data in finished:
            if start is None or at > start:
                follower.waiting.append(data)
                follower.polled = max(at, follower.polled or at)


async def alerts_after(request: web.Request) -> web.Response:
    """Alerts newer than ``?after=ID`` (all when absent), oldest first, as the
    commands' ``--json`` prints them, each with its id; ``next`` is the id to ask
    after next time."""
    value = request.query.get("after", "0").strip()
    if not value.isdigit() or len(value) > 18:
        raise web.HTTPBadRequest(text="after must be an alert id (a whole number)\n")
    after = int(value)
    found = await request.app[keys.READER].read(dashboard.alerts_after, after, API_LIMIT)
    items = [
        {
            "id": alert.id,
            "created_at": alert.created_at.isoformat() if alert.created_at else None,
            **alert.as_json(),
        }
        for alert in found
    ]
    return web.json_response(
        {"items": items, "next": found[-1].id if found else after, "more": len(found) == API_LIMIT}
    )
