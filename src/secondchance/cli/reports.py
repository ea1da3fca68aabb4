"""The commands that look back and around: history, jobs, cooldowns, notify-test."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from datetime import UTC, datetime

from secondchance.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, _config, _data_dir
from secondchance.config import Company, Config
from secondchance.core.classify import upcoming_cooldowns
from secondchance.core.models import Alert
from secondchance.delivery.render import Message, block

# rich, the database (SQLAlchemy) and the notifier (Apprise) are imported by
# the commands that use them: `cooldowns` needs only the watchlist.


def _company(config: Config, name: str) -> Company | None:
    company = config.company(name)
    if company is None:
        known = ", ".join(c.name for c in config.companies)
        print(f"secondchance: no company named {name!r} (known: {known})", file=sys.stderr)
    return company


def _day(when: datetime | dt.date | None, config: Config) -> str:
    if when is None:
        return "-"
    if isinstance(when, datetime):
        return when.astimezone(config.policy.tz).strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


def cmd_history(args: argparse.Namespace) -> int:
    config = _config(args)
    company = _company(config, args.company)
    if company is None:
        return EXIT_CONFIG
    from secondchance.daemon.app import open_store
    from secondchance.storage.store import alert_records, stored_postings

    store = open_store(config, _data_dir(args))
    try:
        postings = stored_postings(store, company.name)
        alerts = alert_records(store, company.name)
    finally:
        store.dispose()
    # (moment, shown time, event, text): sorted on the full moment, shown by minute.
    events: list[tuple[datetime, str, str, str]] = []

    def add(when: datetime | dt.date, what: str, text: str) -> None:
        shown = _day(when, config)
        if not isinstance(when, datetime):
            when = datetime.combine(when, dt.time(), tzinfo=config.policy.tz)
        events.append((when, shown, what, text))

    for rejection in company.rejections:
        text = rejection.summary()
        if rejection.contact:
            text += f" · contact {rejection.contact}"
        add(rejection.date, "rejected", text)
        if rejection.cooldown_ends:
            add(rejection.cooldown_ends, "cool-down ends", rejection.role)
    for item in postings:
        label = f"{item.posting.title} ({item.source.label})"
        add(item.first_seen, "seen", label)
        if item.closed_at is not None and item.status == "closed":
            add(item.closed_at, "closed", label)
    for record in alerts:
        alert = record.alert
        state = "sent" if record.sent else "pending" if record.pending else "queued"
        if alert.created_at is not None:
            add(alert.created_at, f"alert {alert.kind}", f"{alert.title or ''} [{state}]")
    events.sort(key=lambda e: e[0])
    if args.json:
        for moment, _, what, text in events:
            print(
                json.dumps(
                    {"when": moment.isoformat(), "event": what, "text": text}, ensure_ascii=False
                )
            )
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{company.name}: history", title_justify="left")
    for column in ("when", "event", "what"):
        table.add_column(column, overflow="fold")
    for _, shown, what, text in events:
        table.add_row(shown, what, text)
    Console(highlight=False, markup=False).print(table)
    return EXIT_OK


def cmd_jobs(args: argparse.Namespace) -> int:
    config = _config(args)
    wanted: list[Company] = list(config.companies)
    if args.company:
        company = _company(config, args.company)
        if company is None:
            return EXIT_CONFIG
        wanted = [company]
    from secondchance.daemon.app import open_store
    from secondchance.storage.store import stored_postings

    store = open_store(config, _data_dir(args))
    try:
        rows = [
            item
            for company in wanted
            for item in stored_postings(store, company.name, open_only=args.open)
            if company.passes(item.posting)
        ]
    finally:
        store.dispose()
    if args.json:
        for item in rows:
            p = item.posting
            print(
                json.dumps(
                    {
                        "company": item.company,
                        "source": {"kind": item.source.kind, "board": item.source.board},
                        "posting_id": p.id,
                        "title": p.title,
                        "locations": list(p.locations),
                        "remote": p.remote.value,
                        "department": p.department,
                        "url": p.url,
                        "status": item.status,
                        "first_seen": item.first_seen.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} posting(s) that pass your filters", title_justify="left")
    for column in ("company", "title", "location", "status", "since", "url"):
        table.add_column(column, overflow="fold")
    for item in rows:
        p = item.posting
        table.add_row(
            item.company,
            p.title,
            p.location,
            item.status,
            _day(item.first_seen, config),
            p.url or "",
        )
    Console(highlight=False, markup=False).print(table)
    return EXIT_OK


def cmd_cooldowns(args: argparse.Namespace) -> int:
    config = _config(args)
    today = datetime.now(UTC).astimezone(config.policy.tz).date()
    rows = upcoming_cooldowns(config.companies, today)
    if args.json:
        for ends, company, rejection in rows:
            print(
                json.dumps(
                    {
                        "company": company.name,
                        "role": rejection.role,
                        "rejected_on": rejection.date.isoformat(),
                        "cooldown_ends": ends.isoformat(),
                        "days_left": max(0, (ends - today).days),
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_OK
    if not rows:
        print("No cool-downs: add reapply_after to a [[company.rejection]].")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Reapply cool-downs", title_justify="left")
    for column in ("ends", "company", "role", "rejected", "status"):
        table.add_column(column)
    for ends, company, rejection in rows:
        days = (ends - today).days
        status = "over: you can reapply" if days <= 0 else f"in {days} day(s)"
        table.add_row(
            ends.isoformat(), company.name, rejection.role, rejection.date.isoformat(), status
        )
    Console(highlight=False, markup=False).print(table)
    return EXIT_OK


def cmd_notify_test(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.delivery.notify import Sender, channels_of

    config = _config(args)
    channels = [c for c in channels_of(config, console=False) if c.url is not None]
    if args.tag:
        channels = [c for c in channels if args.tag in c.tags]
        if not channels:
            print(f"secondchance: no [notify] url carries the tag {args.tag!r}", file=sys.stderr)
            return EXIT_CONFIG
    if not channels:
        print(
            "secondchance: no [notify] urls configured; alerts go to the terminal", file=sys.stderr
        )
        return EXIT_CONFIG
    sample = Alert(
        id=0,
        company="secondchance",
        kind="new",
        source_kind="test",
        source_board="",
        posting_id=None,
        title="Test alert: your notifications work",
        location="Anywhere",
        url=None,
        previous_title=None,
        detail=None,
        extra={"context": "This is a test sent by `secondchance notify-test`."},
    )

    async def send_all() -> list[str | None]:
        sender = Sender(config.notify.timeout)
        results = []
        for channel in channels:
            body = block(sample, markdown=channel.markdown)
            message = Message(title="secondchance: test", body=body, alert_ids=(0,))
            results.append(await sender.send(channel, message))
        return results

    failed = False
    for channel, error in zip(channels, asyncio.run(send_all()), strict=True):
        print(f"{channel.label}: {'ok' if error is None else 'FAILED: ' + error}")
        failed = failed or error is not None
    return EXIT_FAILED if failed else EXIT_OK
