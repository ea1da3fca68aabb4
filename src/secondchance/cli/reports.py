"""The commands that look back and around: status, history, jobs, cooldowns."""

from __future__ import annotations

import argparse
import datetime as dt
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from secondchance.cli.common import (
    EXIT_CONFIG,
    EXIT_OK,
    ago,
    company_named,
    data_dir,
    load_config,
    plural,
    print_json,
    why_text,
)
from secondchance.cli.output import Table, emit
from secondchance.core.classify import upcoming_cooldowns
from secondchance.core.pay import format_pay
from secondchance.storage.shapes import day, history, status_json, stored_posting_json

# The database (SQLAlchemy) is imported by the commands that use it:
# `cooldowns` needs only the watchlist.
if TYPE_CHECKING:
    from secondchance.config import Company, Config


def cmd_status(args: argparse.Namespace) -> int:
    from secondchance.config import default_config_path
    from secondchance.core.models import SourceRef
    from secondchance.daemon.app import existing_store
    from secondchance.storage import queries

    config: Config | None = None
    path = args.config or default_config_path()
    if args.config is not None or path.exists():
        config = load_config(args)
    store = existing_store(config, data_dir(args))
    try:
        rows = store.read_now(queries.status)
    finally:
        store.dispose()
    configured = (
        {SourceRef(c.name, b.kind, b.key) for c in config.companies for b in c.boards}
        if config
        else None
    )
    if args.json:
        for row, pending in rows:
            print_json(status_json(row, pending, configured))
        return EXIT_OK
    table = Table(
        "secondchance status",
        ("company", "board", "last poll", "result", "open", "failures", "pending"),
        whole=frozenset({"company", "board"}),
        right=frozenset({"open", "failures", "pending"}),
    )
    for row, pending in rows:
        result = row.last_result or "-"
        if row.last_error:
            result += f": {row.last_error}"
        board = row.ref.label
        if configured is not None and row.ref not in configured:
            board += " (no longer watched)"
        table.add(
            row.company,
            board,
            ago(row.last_poll_at),
            result,
            str(row.open_count),
            str(row.consecutive_failures),
            str(pending),
        )
    emit(table, empty="No polls yet: run `secondchance once` or `secondchance run`.")
    return EXIT_OK


def _day(when: datetime | dt.date | None, config: Config) -> str:
    return day(when, config.policy.tz)


def cmd_history(args: argparse.Namespace) -> int:
    config = load_config(args)
    company = company_named(config, args.company)
    if company is None:
        return EXIT_CONFIG
    from secondchance.daemon.app import existing_store
    from secondchance.storage import queries

    store = existing_store(config, data_dir(args))
    try:
        postings = store.read_now(queries.stored_postings, company.name)
        alerts = store.read_now(queries.alert_records, company.name)
    finally:
        store.dispose()
    events = history(company, postings, alerts, config.policy.tz)
    if args.json:
        for event in events:
            print_json(event.as_json())
        return EXIT_OK
    table = Table(f"{company.name}: history", ("when", "event", "what"))
    for event in events:
        table.add(event.shown, event.event, event.text)
    emit(table)
    return EXIT_OK


def cmd_jobs(args: argparse.Namespace) -> int:
    from secondchance.core.why import explain

    config = load_config(args)
    wanted: list[Company] = list(config.companies)
    if args.company:
        company = company_named(config, args.company)
        if company is None:
            return EXIT_CONFIG
        wanted = [company]
    from secondchance.daemon.app import existing_store
    from secondchance.storage import queries

    threshold = config.rules.role_match
    store = existing_store(config, data_dir(args))
    try:
        # With --why, the postings the filters hide are listed too, with the reason.
        rows = [
            (item, explain(company, item.posting, threshold) if args.why else None)
            for company in wanted
            for item in store.read_now(queries.stored_postings, company.name, open_only=args.open)
            if args.why or company.passes(item.posting)
        ]
    finally:
        store.dispose()
    if args.json:
        for item, why in rows:
            print_json(stored_posting_json(item, why))
        return EXIT_OK
    shown = sum(1 for _, why in rows if why is None or why.shown)
    title = (
        f"{plural(len(rows), 'posting')}: {shown} shown, {len(rows) - shown} hidden by your filters"
        if args.why
        else f"{plural(len(rows), 'posting')} that pass your filters"
    )
    columns = ("company", "title", "location", "pay", "status", "since", "url")
    table = Table(
        title,
        (*columns, "shown", "why") if args.why else columns,
        whole=frozenset({"company", "url"}),
    )
    for item, why in rows:
        p = item.posting
        cells: tuple[str, ...] = (
            item.company,
            p.title,
            p.location,
            format_pay(p.pay) if p.pay else "",
            item.status,
            _day(item.first_seen, config),
        )
        cells += (p.url or "",)
        if why is not None:
            cells += ("yes" if why.shown else "no", why_text(why))
        table.add(*cells)
    emit(table)
    return EXIT_OK


def cmd_cooldowns(args: argparse.Namespace) -> int:
    config = load_config(args)
    today = datetime.now(UTC).astimezone(config.policy.tz).date()
    rows = upcoming_cooldowns(config.companies, today)
    if args.json:
        for ends, company, rejection in rows:
            print_json(
                {
                    "company": company.name,
                    "role": rejection.role,
                    "rejected_on": rejection.date.isoformat(),
                    "cooldown_ends": ends.isoformat(),
                    "days_left": max(0, (ends - today).days),
                }
            )
        return EXIT_OK
    table = Table("Reapply cool-downs", ("ends", "company", "role", "rejected", "status"))
    for ends, company, rejection in rows:
        days = (ends - today).days
        status = "over: you can reapply" if days <= 0 else f"in {plural(days, 'day')}"
        table.add(
            ends.isoformat(), company.name, rejection.role, rejection.date.isoformat(), status
        )
    emit(table, empty="No cool-downs: add reapply_after to a [[company.rejection]].")
    return EXIT_OK
