"""The commands that poll: once, run and peek; and health, which asks how `run` is."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from secondchance import logs
from secondchance.cli.common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    company_named,
    data_dir,
    load_config,
    print_json,
    print_message,
)
from secondchance.core.durations import format_duration, parse_duration

log = logging.getLogger("secondchance")


def _settle() -> None:
    """Move what start-up built (modules, the watchlist, the engine) out of the
    garbage collector's reach: it lives as long as the process, and every full
    collection would walk it again (the daemon's between-cycle trim included).
    Then set glibc's thresholds for the large bodies polls hold (allocator.py)."""
    import gc

    from secondchance.daemon import allocator

    gc.collect()
    gc.freeze()
    allocator.tune()


def cmd_once(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.daemon.app import App
    from secondchance.daemon.once import poll_once

    config = load_config(args)
    companies = list(config.companies)
    if args.company:
        wanted = [config.company(name) for name in args.company]
        missing = [n for n, c in zip(args.company, wanted, strict=True) if c is None]
        if missing:
            print(
                f"secondchance: no company named {missing[0]!r} in {config.path}", file=sys.stderr
            )
            return EXIT_CONFIG
        companies = [c for c in wanted if c is not None]

    async def once() -> Any:
        app = App.open(config, data_dir(args), console=None if args.json else print_message)
        _settle()
        try:
            return await poll_once(app, companies)
        finally:
            await app.aclose()

    report = asyncio.run(once())
    failed = False
    for poll in report.polls:
        if args.json:
            for alert in poll.alerts:
                print_json(alert.as_json())
        for board in poll.failed:
            failed = True
            print(f"secondchance: {poll.company} {board.ref.label}: {board.error}", file=sys.stderr)
    if report.undelivered:
        log.warning("%d alert(s) could not be delivered yet; they stay queued", report.undelivered)
    if report.unstored is not None:
        print(
            f"secondchance: the poll could not be stored, so nothing changed: {report.unstored}",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed or report.unstored is not None else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.daemon.app import App
    from secondchance.daemon.scheduler import Daemon

    config = load_config(args)

    async def main() -> int:
        app = App.open(config, data_dir(args), console=print_message)
        _settle()
        return await Daemon(app).run()

    return asyncio.run(main())


def cmd_peek(args: argparse.Namespace) -> int:
    import asyncio

    from rich.console import Console
    from rich.table import Table

    from secondchance.core.board import BoardResult
    from secondchance.core.models import SourceRef
    from secondchance.fetch.board import fetch_board
    from secondchance.fetch.transports import for_settings

    config = load_config(args)
    company = company_named(config, args.company)
    if company is None:
        return EXIT_CONFIG

    async def fetch_all() -> list[BoardResult]:
        fetcher = for_settings(config.settings)
        try:
            return list(
                await asyncio.gather(
                    *(
                        fetch_board(
                            fetcher,
                            spec,
                            config.endpoints,
                            SourceRef(company.name, spec.kind, spec.key),
                        )
                        for spec in company.boards
                    )
                )
            )
        finally:
            await fetcher.aclose()

    results = asyncio.run(fetch_all())
    console = Console(highlight=False, markup=False)
    failed = False
    for result in results:
        if result.error is not None:
            failed = True
            print(
                f"secondchance: {company.name} {result.ref.label}: {result.error}", file=sys.stderr
            )
            continue
        if args.json:
            for p in result.postings:
                print_json(
                    {
                        "company": company.name,
                        "source": {"kind": result.ref.kind, "board": result.ref.board},
                        "posting_id": p.id,
                        "title": p.title,
                        "locations": list(p.locations),
                        "remote": p.remote.value,
                        "department": p.department,
                        "employment_type": p.employment_type,
                        "posted_at": p.posted_at.isoformat() if p.posted_at else None,
                        "url": p.url,
                    }
                )
            continue
        table = Table(
            title=f"{company.name} · {result.ref.label}: {len(result.postings)} "
            f"posting(s), {result.pages} page(s)",
            title_justify="left",
        )
        for column in ("id", "title", "location", "remote", "url"):
            table.add_column(column, overflow="fold")
        for p in result.postings:
            table.add_row(p.id, p.title, p.location, p.remote.value, p.url or "")
        console.print(table)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_health(args: argparse.Namespace) -> int:
    """For HEALTHCHECK and monitoring: is the daemon writing its heartbeat?"""
    try:
        max_age = parse_duration(args.max_age)
    except ValueError as exc:
        print(f"secondchance: --max-age: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    from secondchance.daemon.app import store_for
    from secondchance.storage import heartbeat

    config = load_config(args)
    store = store_for(config, data_dir(args))
    try:
        try:
            with store.engine.connect() as connection, connection.begin() as transaction:
                heartbeat.probe_write(connection, datetime.now(UTC))
                transaction.rollback()
        except Exception as exc:
            print(f"unhealthy: the database is not writable: {logs.first_line(exc)}")
            return EXIT_FAILED
        beat = store.read_now(heartbeat.last)
    finally:
        store.dispose()
    if beat is None:
        print("unhealthy: no heartbeat yet (is `secondchance run` running on this database?)")
        return EXIT_FAILED
    age = (datetime.now(UTC) - beat).total_seconds()
    if age > max_age:
        print(f"unhealthy: last heartbeat {format_duration(age)} ago (limit {args.max_age})")
        return EXIT_FAILED
    print(f"ok: heartbeat {format_duration(max(age, 0))} ago, database writable")
    return EXIT_OK
