"""The dashboard's pages: GET handlers reading the database through the application's
read-only Store, the watchlist running now and the application's clock."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import Connection

from secondchance.config import Company, Config
from secondchance.core.models import ALERT_KINDS, Alert
from secondchance.delivery.blocks import followup_note
from secondchance.delivery.channels import takes
from secondchance.storage import asks, dashboard, heartbeat, marks, queries
from secondchance.storage.dashboard import key
from secondchance.storage.queries import StoredPosting
from secondchance.storage.shapes import history
from secondchance.web import actions, adding, api, csrf, edits, feed, keys, live, narrowing, views
from secondchance.web import jobs as jobs_kept
from secondchance.web.render import page

STATIC = Path(__file__).parent / "static"


def add_routes(app: web.Application) -> None:
    """Every page and JSON endpoint of the dashboard, and its static files."""
    if csrf.SECRET not in app:  # an application built without web/server.py (tests)
        app[csrf.SECRET] = csrf.new_secret()
    if actions.WRITER not in app:
        actions.install(app, None)
    app.router.add_get("/", overview)
    app.router.add_get("/company/{name}", company_page)
    app.router.add_get("/jobs", jobs)
    app.router.add_get("/deliveries", deliveries)
    app.router.add_get("/watchlist", watchlist)
    app.router.add_static("/static/", STATIC, follow_symlinks=False)
    jobs_kept.install(app)
    edits.install(app)
    adding.install(app)
    api.add_routes(app)
    live.add_routes(app)
    feed.add_routes(app)


def _overview_facts(connection: Connection, since: datetime) -> tuple[Any, ...]:
    return (
        dashboard.board_states(connection),
        dashboard.role_backs(connection, since),
        dashboard.snapshot_mark(connection),
    )


def _card_facts(
    connection: Connection, names: list[str], boards: list[int]
) -> tuple[dict[str, Alert], dict[int, list[tuple[int, StoredPosting]]]]:
    """The shown companies' last alerts, and the open postings of these boards."""
    found = dashboard.open_by_board(connection, boards) if boards else {}
    return dashboard.last_alerts(connection, names), found


def _passing_counts(
    config: Config,
    chosen: list[views.Entry],
    judged: Mapping[int, jobs_kept.Board],
    read: Mapping[int, list[tuple[int, StoredPosting]]],
) -> dict[str, int]:
    """How many open postings pass the filters, by company key: as the jobs list
    judged a board when no poll was stored for it since, else judged here."""
    counts: dict[str, int] = {}
    for entry in chosen:
        count = 0
        for state in entry.states:
            board = judged.get(state.id)
            if board is not None:
                count += len(board.passing)
            else:
                count += len(views.passing(config, [p for _, p in read.get(state.id, [])]))
        counts[key(entry.company.name)] = count
    return counts


async def overview(request: web.Request) -> web.Response:
    config, now = request.app[keys.CONFIG], request.app[keys.NOW]()
    store = request.app[keys.READER]
    tz = config.policy.tz
    states, backs, mark = await store.read(_overview_facts, views.role_back_since(now))
    q = request.query
    search, tag = q.get("q", "").strip(), q.get("tag", "").strip()
    sort = q.get("sort", "name")
    entries = [
        views.Entry(c, states.get(key(c.name), []), backs.get(key(c.name)))
        for c in config.companies
    ]
    if search:
        entries = [e for e in entries if e.found(search)]
    if tag:
        entries = [e for e in entries if tag in e.company.tags]
    if q.get("failing"):
        entries = [e for e in entries if e.failing]
    if q.get("roleback"):
        entries = [e for e in entries if e.role_back_at is not None]
    entries = views.sort_entries(entries, sort if sort in views.SORTS else "name")
    slice_ = views.Page(views.page_number(q.get("page")), len(entries))
    chosen = entries[slice_.offset : slice_.offset + slice_.size]
    # Reading and judging the shown companies' postings would cost more than the
    # rest of the page: the jobs list kept (web/jobs.py) has most boards judged.
    marks = {s.id: (s.company, s.attempts, s.last_poll_at) for v in states.values() for s in v}
    judged = jobs_kept.still(request.app[jobs_kept.JOBS].kept, config, mark, marks)
    unread = [s.id for e in chosen for s in e.states if s.id not in judged]
    last, read = await store.read(_card_facts, [e.company.name for e in chosen], unread)
    passing = _passing_counts(config, chosen, judged, read)
    shown = [
        views.card(
            e.company,
            e.states,
            last.get(key(e.company.name)),
            e.role_back,
            passing.get(key(e.company.name), 0),
            now,
            tz,
        )
        for e in chosen
    ]
    return page(
        request,
        "overview.html",
        title="Overview",
        cards=shown,
        role_backs=[c for c in shown if c.role_back is not None],
        page=slice_,
        params=dict(q),
        search=search,
        tag=tag,
        sort=sort,
        sorts=views.SORTS,
        tags=sorted({t for c in config.companies for t in c.tags}),
        companies=len(config.companies),
        polled=bool(states),
        failing=bool(q.get("failing")),
        roleback=bool(q.get("roleback")),
    )


def _company_facts(connection: Connection, name: str) -> tuple[Any, ...]:
    return (
        dashboard.company_states(connection, name),
        queries.stored_postings(connection, name),
        queries.alert_records(connection, name),
        dashboard.company_deliveries(connection, name),
        marks.of_company(connection, name),
        asks.polls_asked(connection).get(name),
    )


def company_named(request: web.Request) -> Company:
    company = request.app[keys.CONFIG].company(request.match_info["name"])
    if company is None:
        raise web.HTTPNotFound(text="No company of that name is in the watchlist.")
    return company


async def company_page(request: web.Request) -> web.Response:
    config, now = request.app[keys.CONFIG], request.app[keys.NOW]()
    company = company_named(request)
    tz = config.policy.tz
    states, postings, alerts, sent, made, asked = await request.app[keys.READER].read(
        _company_facts, company.name
    )
    labels = {c.id: c.label for c in views.channels(config)}
    snoozed = {
        m.company: m
        for m in made
        if m.mark == "snoozed" and m.undone_at is None and m.until and m.until > now
    }
    events = sorted(
        history(company, postings, alerts, tz) + views.mark_events(made, tz),
        key=lambda e: e.moment,
    )
    timeline = [
        (
            event,
            [
                (
                    labels.get(d.channel, "an old channel"),
                    *views.delivery_state(d, config.policy, now, snoozed),
                )
                for d in sent.get(event.alert_id, [])
            ],
        )
        for event in reversed(events)
    ]
    role_backs = [r.alert for r in alerts if r.alert.kind == "role_back"]
    note = followup_note(role_backs[-1], config.notify.followup) if role_backs else None
    threshold = config.rules.role_match
    from secondchance.core.why import explain

    open_postings = [
        (item, explain(company, item.posting, threshold))
        for item in postings
        if item.status == "open"
    ]
    today = now.astimezone(tz).date()
    return page(
        request,
        "company.html",
        version=await edits.version(config.path),
        read_only=await asyncio.to_thread(edits.read_only, config.path),
        today_iso=today.isoformat(),
        title=company.name,
        company=company,
        rejections=[
            (r, views.cooldown(r, today))
            for r in sorted(company.rejections, key=lambda r: r.date, reverse=True)
        ],
        boards=[views.health(s, now, tz) for s in states],
        timeline=timeline,
        note=note,
        postings=open_postings,
        marked={m.posting: m for m in made if m.undone_at is None},
        asked=asked,
        snooze=snoozed.get(company.name),
        tomorrow=(now.astimezone(tz).date() + timedelta(days=1)).isoformat(),
        pay=views.pay_text,
        when=lambda m: views.when(m, tz),
    )


async def jobs(request: web.Request) -> web.Response:
    config = request.app[keys.CONFIG]
    kept, texts, any_open = await jobs_kept.passing(request)
    marked = await request.app[keys.READER].read(marks.in_force)
    found = narrowing.narrowed(kept, request.query, texts)
    slice_ = views.Page(views.page_number(request.query.get("page")), len(found))
    tz = config.policy.tz
    return page(
        request,
        "jobs.html",
        title="Jobs",
        jobs=found[slice_.offset : slice_.offset + slice_.size],
        page=slice_,
        params=dict(request.query),
        q=request.query,
        any_open=any_open,
        marked=marked,
        pay=views.pay_text,
        when=lambda m: views.when(m, tz),
        company_path=views.company_path,
    )


async def deliveries(request: web.Request) -> web.Response:
    config, now = request.app[keys.CONFIG], request.app[keys.NOW]()
    q = request.query
    state = q.get("state") if q.get("state") in ("sent", "pending", "failed") else None
    number = views.page_number(q.get("page"))
    store = request.app[keys.READER]
    counts = await store.read(dashboard.delivery_counts)
    snoozed = await store.read(marks.snoozed, now)
    retry = await store.read(asks.retry_asked)
    rows = await store.read(
        dashboard.delivery_page,
        state=state,
        channel=q.get("channel") or None,
        offset=(number - 1) * views.PAGE_SIZE,
        limit=views.PAGE_SIZE,
    )
    total = sum(
        n
        for (channel, s), n in counts.items()
        if state in (None, s) and q.get("channel") in (None, "", channel)
    )
    labels = {c.id: c.label for c in views.channels(config)}
    per_channel: dict[str, dict[str, int]] = {}
    for (channel, s), n in sorted(counts.items()):
        per_channel.setdefault(channel, {})[s] = n
    tz = config.policy.tz
    return page(
        request,
        "deliveries.html",
        title="Deliveries",
        channels=[(c, labels.get(c, "an old channel"), n) for c, n in per_channel.items()],
        rows=[
            (
                d,
                labels.get(d.channel, "an old channel"),
                *views.delivery_state(d, config.policy, now, snoozed),
            )
            for d in rows
        ],
        page=views.Page(number, total),
        params=dict(q),
        state=state or "",
        retry=retry,
        when=lambda m: views.when(m, tz),
        company_path=views.company_path,
    )


async def watchlist(request: web.Request) -> web.Response:
    config = request.app[keys.CONFIG]
    secrets = config.secrets
    found = views.channels(config)
    routes = [
        (kind.replace("_", " "), [c.label for c in found if takes(c, None, kind)])
        for kind in ALERT_KINDS
    ]
    policy = config.policy
    # Written by the daemon, which may be another process: read from the database.
    loaded = await request.app[keys.READER].read(heartbeat.last_reload)
    problems = [views.masked(p, secrets) for p in loaded.problems] if loaded else []
    return page(
        request,
        "watchlist.html",
        read_only=await asyncio.to_thread(edits.read_only, config.path),
        title="Watchlist",
        loaded=loaded,
        problems=problems,
        when=lambda at: at.astimezone(policy.tz).strftime("%Y-%m-%d %H:%M"),
        path=views.masked(str(config.path), secrets),
        companies=config.companies,
        channels=found,
        routes=routes,
        policy=policy,
        digest=", ".join(t.strftime("%H:%M") for t in policy.digest_at),
        quiet=" to ".join(t.strftime("%H:%M") for t in policy.quiet) if policy.quiet else None,
        warnings=[views.masked(w, secrets) for w in config.warnings],
        mask=lambda value: views.masked(str(value), secrets),
        company_path=views.company_path,
    )
