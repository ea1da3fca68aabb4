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
    plural,
    posting_json,
    print_json,
    print_message,
    why_text,
)
from secondchance.core.durations import format_duration, parse_duration
from secondchance.core.pay import format_pay

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
    if args.json:
        for poll in report.polls:
            for alert in poll.alerts:
                print_json(alert.as_json())
    # Each failure was logged once, as its board's line; this sums the run up, last.
    print(f"secondchance: {report.summary()}", file=sys.stderr, flush=True)
    failed = any(poll.failed for poll in report.polls)
    return EXIT_FAILED if failed or report.unstored is not None else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.daemon.app import App
    from secondchance.daemon.scheduler import Daemon, Server

    config = load_config(args)
    listen = config.server.listen
    # The web server (aiohttp.web, the pages' templates) is loaded only when served.
    listen_errors: tuple[type[Exception], ...] = ()
    if listen:
        from secondchance.web.server import ListenError

        listen_errors = (ListenError,)

    def serve(daemon: Daemon) -> Server:
        from secondchance.cli.web import dashboard

        # Called once App.open has created the database the pages read.
        assert listen is not None
        return dashboard(config, data_dir(args), daemon.healthy, listen)

    async def main() -> int:
        app = App.open(config, data_dir(args), console=print_message)
        _settle()
        return await Daemon(app, serve if listen else None).run()

    try:
        return asyncio.run(main())
    except listen_errors as exc:
        print(f"secondchance: {exc}", file=sys.stderr)
        return EXIT_FAILED


def cmd_peek(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.cli.output import Table, emit
    from secondchance.core.board import BoardResult
    from secondchance.core.models import SourceRef
    from secondchance.core.why import explain
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
    threshold = config.rules.role_match
    failed = False
    for result in results:
        if result.error is not None:
            failed = True
            print(
                f"secondchance: {company.name} {result.ref.label}: {result.error}", file=sys.stderr
            )
            if args.json:
                print_json(
                    {
                        "company": company.name,
                        "source": {"kind": result.ref.kind, "board": result.ref.board},
                        "error": result.error,
                    }
                )
            continue
        whys = [explain(company, p, threshold) if args.why else None for p in result.postings]
        if args.json:
            for p, why in zip(result.postings, whys, strict=True):
                record = posting_json(company.name, result.ref, p, why)
                print_json(record)
            continue
        title = (
            f"{company.name} · {result.ref.label}: {plural(len(result.postings), 'posting')}, "
            f"{plural(result.pages, 'page')}"
        )
        if args.why:
            shown = sum(1 for why in whys if why is not None and why.shown)
            title += f"; {shown} would be told, {len(whys) - shown} hidden by your filters"
        columns = ("id", "title", "location", "remote", "pay", "url")
        table = Table(
            title, (*columns, "told", "why") if args.why else columns, whole={"id", "url"}
        )
        for p, why in zip(result.postings, whys, strict=True):
            pay = format_pay(p.pay) if p.pay else ""
            cells: tuple[str, ...] = (p.id, p.title, p.location, p.remote.value, pay, p.url or "")
            if why is not None:
                cells += ("yes" if why.shown else "no", why_text(why))
            table.add(*cells)
        emit(table)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_health(args: argparse.Namespace) -> int:
    """For HEALTHCHECK and monitoring: is the daemon writing its heartbeat?"""
    try:
        max_age = parse_duration(args.max_age)
    except ValueError as exc:
        print(f"secondchance: --max-age: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    from secondchance.daemon.app import existing_store
    from secondchance.storage import StorageError, heartbeat

    config = load_config(args)
    try:
        # Writable, to prove the daemon can write it; never created nor migrated.
        store = existing_store(config, data_dir(args), writable=True)
    except StorageError as exc:
        print(f"unhealthy: {exc}")
        return EXIT_FAILED
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
