"""The dashboard's JSON endpoints: the records the commands' ``--json`` print
(storage/shapes.py shapes both), in pages of ``{"items", "page", "pages", "total"}``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy import Connection

from secondchance.core.models import SourceRef
from secondchance.core.why import explain
from secondchance.storage import dashboard, marks, queries
from secondchance.storage.shapes import history, status_json, stored_posting_json
from secondchance.web import jobs as jobs_kept
from secondchance.web import keys, narrowing, views

API_PAGE = 500
T = TypeVar("T")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/companies", companies)
    app.router.add_get("/api/company/{name}", company)
    app.router.add_get("/api/jobs", jobs)
    app.router.add_get("/api/deliveries", deliveries)
    app.router.add_get("/api/history", history_of)


def paged(
    request: web.Request,
    items: Sequence[T],
    shape: Callable[[T], object] = lambda item: item,
) -> web.Response:
    """One page of ``items``, each shaped by ``shape`` (only the page's are)."""
    slice_ = views.Page(views.page_number(request.query.get("page")), len(items), API_PAGE)
    return web.json_response(
        {
            "items": [shape(item) for item in items[slice_.offset : slice_.offset + slice_.size]],
            "page": slice_.number,
            "pages": slice_.pages,
            "total": slice_.total,
        }
    )


def _configured(request: web.Request) -> set[SourceRef]:
    config = request.app[keys.CONFIG]
    return {SourceRef(c.name, b.kind, b.key) for c in config.companies for b in c.boards}


async def companies(request: web.Request) -> web.Response:
    """Every board as `status --json` prints it."""
    rows = await request.app[keys.READER].read(queries.status)
    configured = _configured(request)
    return paged(request, [status_json(row, pending, configured) for row, pending in rows])


def _company(connection: Connection, name: str) -> tuple[Any, ...]:
    return (
        queries.status(connection),
        queries.stored_postings(connection, name),
        queries.alert_records(connection, name),
    )


async def company(request: web.Request) -> web.Response:
    """A company: its boards' status, its history and its open postings with the
    filters' verdict (as `jobs --open --why --json`)."""
    config = request.app[keys.CONFIG]
    found = config.company(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound(text="No company of that name is in the watchlist.")
    rows, postings, alerts = await request.app[keys.READER].read(_company, found.name)
    configured = _configured(request)
    threshold = config.rules.role_match
    return web.json_response(
        {
            "company": found.name,
            "status": [
                status_json(row, pending, configured)
                for row, pending in rows
                if dashboard.key(row.company) == dashboard.key(found.name)
            ],
            "history": [e.as_json() for e in history(found, postings, alerts, config.policy.tz)],
            "open_postings": [
                stored_posting_json(item, explain(found, item.posting, threshold))
                for item in postings
                if item.status == "open"
            ],
        }
    )


async def jobs(request: web.Request) -> web.Response:
    """The open postings that pass the filters, as `jobs --open --json` prints them;
    the page's query parameters narrow and sort them."""
    passing, texts, _ = await jobs_kept.passing(request)
    found = narrowing.narrowed(passing, request.query, texts)
    return paged(request, found, stored_posting_json)


async def deliveries(request: web.Request) -> web.Response:
    """The outbox, newest first: each delivery with its state and why."""
    config, now = request.app[keys.CONFIG], request.app[keys.NOW]()
    q = request.query
    state = q.get("state") if q.get("state") in ("sent", "pending", "failed") else None
    number = views.page_number(q.get("page"))
    rows = await request.app[keys.READER].read(
        dashboard.delivery_page,
        state=state,
        channel=q.get("channel") or None,
        offset=(number - 1) * API_PAGE,
        limit=API_PAGE,
    )
    labels = {c.id: c.label for c in views.channels(config)}
    snoozed = await request.app[keys.READER].read(marks.snoozed, now)
    items = []
    for d in rows:
        shown, why = views.delivery_state(d, config.policy, now, snoozed)
        items.append(
            {
                "channel": d.channel,
                "label": labels.get(d.channel),
                "state": shown,
                "why": why,
                "attempts": d.attempts,
                "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                "error": d.last_error,
                "alert": d.alert.as_json(),
            }
        )
    return web.json_response({"items": items, "page": number})


async def history_of(request: web.Request) -> web.Response:
    """A company's history (``?company=NAME``), as `history --json` prints it."""
    config = request.app[keys.CONFIG]
    name = request.query.get("company", "")
    found = config.company(name) if name else None
    if found is None:
        raise web.HTTPNotFound(text="Name a company of the watchlist: ?company=NAME.")
    postings, alerts = await request.app[keys.READER].read(_history, found.name)
    return paged(request, [e.as_json() for e in history(found, postings, alerts, config.policy.tz)])


def _history(connection: Connection, name: str) -> tuple[Any, ...]:
    return queries.stored_postings(connection, name), queries.alert_records(connection, name)
