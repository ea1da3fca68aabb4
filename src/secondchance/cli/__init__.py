"""Command line: check, once, run, status, peek.

Exit codes: 0 success, 1 some board failed (or the database is unusable),
2 the watchlist (or the command line) is wrong. Expected failures print one
clear line each, never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from secondchance import __version__, logs
from secondchance.core.durations import format_duration, parse_duration

# Every process starts here, `--help` included, so the heavy imports (the
# watchlist's schema, SQLAlchemy, httpx/aiohttp, rich, the poller, the scheduler) happen in
# the commands that use them, not at module level.
if TYPE_CHECKING:
    from rich.console import Console

    from secondchance.config import Company, Config
    from secondchance.daemon.poller import PollReport
    from secondchance.delivery.render import Message

log = logging.getLogger("secondchance")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="the watchlist (default: $SECONDCHANCE_CONFIG, else watchlist.toml "
        "in the user config directory)",
    )
    common.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the SQLite database lives (default: $SECONDCHANCE_DATA, else the "
        "user data directory)",
    )
    common.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    common.add_argument("--log-format", default="text", choices=["text", "json"])

    parser = argparse.ArgumentParser(
        prog="secondchance",
        description="Watch the job boards of companies that turned you down.",
    )
    parser.add_argument("--version", action="version", version=f"secondchance {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("check", parents=[common], help="validate the watchlist (no network)")
    once = commands.add_parser("once", parents=[common], help="poll every board once, then exit")
    once.add_argument("--json", action="store_true", help="print queued alerts as JSON lines")
    once.add_argument(
        "--company", action="append", metavar="NAME", help="poll only this company (repeatable)"
    )
    commands.add_parser("run", parents=[common], help="run the daemon")
    status = commands.add_parser("status", parents=[common], help="what each board last did")
    status.add_argument("--json", action="store_true")
    peek = commands.add_parser(
        "peek", parents=[common], help="fetch and show a company's postings (stores nothing)"
    )
    peek.add_argument("--company", required=True, metavar="NAME")
    peek.add_argument("--json", action="store_true")
    discover = commands.add_parser(
        "discover",
        parents=[common],
        help="find the job board behind a careers page, job link or board URL",
    )
    discover.add_argument("target", metavar="URL", help="a careers page, a job link or a board URL")
    discover.add_argument(
        "--offline", action="store_true", help="recognise the URL only; fetch nothing"
    )
    discover.add_argument("--name", metavar="NAME", help="the company name for the snippet")
    discover.add_argument(
        "--add", metavar="NAME", help="append the board to the watchlist under this company"
    )
    discover.add_argument("--json", action="store_true")
    history = commands.add_parser(
        "history", parents=[common], help="a company's timeline: rejections, postings, alerts"
    )
    history.add_argument("company", metavar="COMPANY")
    history.add_argument("--json", action="store_true")
    jobs = commands.add_parser(
        "jobs", parents=[common], help="postings in the snapshot that pass your filters"
    )
    jobs.add_argument("--company", metavar="NAME")
    jobs.add_argument("--open", action="store_true", help="only postings open now")
    jobs.add_argument("--json", action="store_true")
    cooldowns = commands.add_parser(
        "cooldowns", parents=[common], help="when each reapply cool-down ends"
    )
    cooldowns.add_argument("--json", action="store_true")
    test = commands.add_parser(
        "notify-test", parents=[common], help="send a sample alert through each notification URL"
    )
    test.add_argument("--tag", metavar="TAG", help="only the URLs carrying this tag")
    health = commands.add_parser(
        "health", parents=[common], help="exit 0 if the daemon is alive and its database writable"
    )
    health.add_argument(
        "--max-age",
        default="5m",
        metavar="DURATION",
        help="how old the daemon's last heartbeat may be (default 5m)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logs.setup(args.log_level, args.log_format)
    from secondchance.cli import reports as cli_reports
    from secondchance.config import ConfigError
    from secondchance.daemon.app import StorageError

    handler = {
        "history": cli_reports.cmd_history,
        "jobs": cli_reports.cmd_jobs,
        "cooldowns": cli_reports.cmd_cooldowns,
        "notify-test": cli_reports.cmd_notify_test,
        "health": cmd_health,
        "check": cmd_check,
        "once": cmd_once,
        "run": cmd_run,
        "status": cmd_status,
        "peek": cmd_peek,
        "discover": cmd_discover,
    }[args.command]
    try:
        return handler(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"secondchance: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except StorageError as exc:
        print(f"secondchance: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _config(args: argparse.Namespace) -> Config:
    from secondchance.config import default_config_path, load

    config = load(args.config or default_config_path())
    # From here on, the secrets the watchlist resolved are masked in every log line.
    logs.setup(args.log_level, args.log_format, config.secrets)
    return config


def _data_dir(args: argparse.Namespace) -> Path:
    from secondchance.config import default_data_dir

    return Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()


def _print_message(message: Message) -> None:
    if not _to_terminal():
        # journald, a file, a pipe: nothing to style, and rich's rendering of the
        # same characters cost more than the rest of queuing the alert (and
        # importing rich, more than a quiet `once`'s printing).
        print(f"── {message.title} ──\n{message.body}\n", flush=True)
        return
    out = _console()
    out.print(f"── {message.title} ──", style="bold")
    out.print(message.body)
    out.print()


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


def _to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


@functools.cache
def _console() -> Console:
    # One Console for the process: building one per alert cost more than printing
    # it. It writes to whatever sys.stdout is at the time.
    from rich.console import Console

    return Console(highlight=False, markup=False, soft_wrap=True)


# --- commands ------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    config = _config(args)
    boards = sum(len(c.boards) for c in config.companies)
    places = [f"{len(config.targets)} notification URL(s)"] if config.targets else []
    places += ["the terminal"] if config.console_alerts else []
    print(
        f"{config.path}: OK: {len(config.companies)} companies, {boards} boards; "
        f"alerts go to {' and '.join(places)}"
    )
    return EXIT_OK


def cmd_once(args: argparse.Namespace) -> int:
    config = _config(args)
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
    import asyncio

    return asyncio.run(_once(config, _data_dir(args), companies, as_json=args.json))


async def _once(config: Config, data_dir: Path, companies: list[Company], *, as_json: bool) -> int:
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from secondchance.daemon.app import App

    app = App.open(config, data_dir, console=None if as_json else _print_message)
    _settle()
    failed: list[tuple[str, str, str]] = []
    unstored: str | None = None
    try:
        # A bounded number of companies in flight keeps memory flat on long watchlists
        # (each holds its decoded boards until they are stored).
        gate = asyncio.Semaphore(16)
        await app.poller.prefetch()

        async def poll(company: Company) -> PollReport:
            async with gate:
                return await app.poller.poll(company)

        polled = await asyncio.gather(
            *(poll(c) for c in companies if c.enabled), return_exceptions=True
        )
        reports: list[PollReport] = []
        for outcome in polled:
            if isinstance(outcome, SQLAlchemyError):
                # A full disk, a read-only file, a database server that is down: each
                # poll's transaction was rolled back. One line, not a traceback.
                unstored = unstored or logs.first_line(outcome)
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                reports.append(outcome)
        for report in reports:
            for alert in report.alerts:
                if as_json:
                    print(json.dumps(alert.as_json(), ensure_ascii=False), flush=True)
            for board in report.failed:
                failed.append((report.company, board.ref.label, board.error or ""))
        if unstored is None:
            delivery = await app.notifier.drain(ignore_backoff=True)
            if delivery.failed:
                log.warning(
                    "%d alert(s) could not be delivered yet; they stay queued", delivery.failed
                )
    finally:
        await app.aclose()
    for company, label, error in failed:
        print(f"secondchance: {company} {label}: {error}", file=sys.stderr)
    if unstored is not None:
        print(
            f"secondchance: the poll could not be stored, so nothing changed: {unstored}",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed or unstored is not None else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.daemon.app import App
    from secondchance.daemon.scheduler import Daemon

    config = _config(args)
    data_dir = _data_dir(args)

    async def main() -> int:
        app = App.open(config, data_dir, console=_print_message)
        _settle()
        return await Daemon(app).run()

    return asyncio.run(main())


def cmd_status(args: argparse.Namespace) -> int:
    from secondchance.config import default_config_path
    from secondchance.core.models import SourceRef
    from secondchance.daemon.app import open_store

    config: Config | None = None
    path = args.config or default_config_path()
    if args.config is not None or path.exists():
        config = _config(args)
    store = open_store(config, _data_dir(args))
    try:
        rows = store.status()
    finally:
        store.dispose()
    configured = (
        {SourceRef(c.name, b.kind, b.key) for c in config.companies for b in c.boards}
        if config
        else None
    )
    if args.json:
        for row, pending in rows:
            print(
                json.dumps(
                    {
                        "company": row.company,
                        "source": {"kind": row.kind, "board": row.board},
                        "watched": configured is None or row.ref in configured,
                        "last_poll": row.last_poll_at.isoformat() if row.last_poll_at else None,
                        "last_success": row.last_success_at.isoformat()
                        if row.last_success_at
                        else None,
                        "result": row.last_result,
                        "error": row.last_error,
                        "open_postings": row.open_count,
                        "consecutive_failures": row.consecutive_failures,
                        "pending_alerts": pending,
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_OK
    if not rows:
        print("No polls yet: run `secondchance once` or `secondchance run`.")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title="secondchance status", title_justify="left")
    for column in ("company", "board", "last poll", "result", "open", "failures", "pending"):
        table.add_column(
            column, justify="right" if column in ("open", "failures", "pending") else "left"
        )
    for row, pending in rows:
        result = row.last_result or "-"
        if row.last_error:
            result += f": {row.last_error}"
        board = row.ref.label
        if configured is not None and row.ref not in configured:
            board += " (no longer watched)"
        table.add_row(
            row.company,
            board,
            _ago(row.last_poll_at),
            result,
            str(row.open_count),
            str(row.consecutive_failures),
            str(pending),
        )
    Console(highlight=False, markup=False).print(table)
    return EXIT_OK


def _ago(when: datetime | None) -> str:
    if when is None:
        return "never"
    seconds = int((datetime.now(UTC) - when).total_seconds())
    if seconds < 90:
        return f"{seconds}s ago"
    if seconds < 5400:
        return f"{seconds // 60}m ago"
    if seconds < 172800:
        return f"{seconds // 3600}h ago"
    return f"{seconds // 86400}d ago"


def cmd_peek(args: argparse.Namespace) -> int:
    import asyncio

    from rich.console import Console
    from rich.table import Table

    from secondchance.core.models import SourceRef
    from secondchance.daemon.app import make_fetcher
    from secondchance.daemon.poller import fetch_board

    config = _config(args)
    company = config.company(args.company)
    if company is None:
        names = ", ".join(c.name for c in config.companies)
        print(f"secondchance: no company named {args.company!r} (known: {names})", file=sys.stderr)
        return EXIT_CONFIG

    async def fetch_all() -> list:  # type: ignore[type-arg]
        fetcher = make_fetcher(config)
        try:
            return await asyncio.gather(
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
                print(
                    json.dumps(
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
                        },
                        ensure_ascii=False,
                    )
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


def cmd_discover(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.importers import discover as finder
    from secondchance.sources import default_endpoints

    endpoints: Mapping[str, str] = default_endpoints()
    if args.config is not None:
        # A watchlist with mirrors: look the boards up where the daemon would.
        endpoints = _config(args).endpoints

    async def run() -> finder.Discovery:
        if args.offline:
            return await finder.discover(args.target, fetcher=None, offline=True)
        from secondchance.fetch.client import Fetcher

        fetcher = Fetcher(timeout=20.0, retries=1)
        try:
            return await finder.discover(args.target, fetcher=fetcher, endpoints=endpoints)
        finally:
            await fetcher.aclose()

    found = asyncio.run(run())
    chosen = finder.best(found.candidates)
    name = args.add or args.name or (finder.guess_name(chosen) if chosen else None)
    if args.json:
        print(
            json.dumps(
                {
                    "target": found.target,
                    "fetched": found.fetched,
                    "note": found.note,
                    "candidates": [
                        {
                            "kind": c.kind,
                            "value": c.value,
                            "how": c.how,
                            "postings": c.postings,
                            "error": c.error,
                        }
                        for c in found.candidates
                    ],
                    "snippet": finder.snippet(name, chosen) if chosen else None,
                },
                ensure_ascii=False,
            )
        )
    else:
        for c in found.candidates:
            outcome = (
                f"error: {c.error}"
                if c.error
                else f"{c.postings} open posting(s)"
                if c.postings is not None
                else "not checked"
            )
            print(f"{c.kind} = {_toml_value(c.value)}   ({c.how}; {outcome})")
        if found.note:
            print(found.note)
        if chosen:
            print()
            print(finder.snippet(name, chosen))
    if not chosen:
        print(f"secondchance: no job board found for {found.target}", file=sys.stderr)
        return EXIT_FAILED
    if args.add:
        from secondchance.config import default_config_path

        path = args.config or default_config_path()
        summary = finder.add_to_watchlist(path, args.add, chosen)
        print(summary, file=sys.stderr)
    return EXIT_OK


def _toml_value(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def cmd_health(args: argparse.Namespace) -> int:
    """For HEALTHCHECK and monitoring: is the daemon writing its heartbeat?"""
    try:
        max_age = parse_duration(args.max_age)
    except ValueError as exc:
        print(f"secondchance: --max-age: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    from secondchance.daemon.app import open_store

    config = _config(args)
    store = open_store(config, _data_dir(args))
    try:
        try:
            store.check_writable()
        except Exception as exc:
            print(f"unhealthy: the database is not writable: {logs.first_line(exc)}")
            return EXIT_FAILED
        beat = store.last_heartbeat()
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
