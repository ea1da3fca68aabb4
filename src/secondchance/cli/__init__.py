"""The command line: its parser, and each command handed to the module that runs it
(poll.py: once, run, peek, health; reports.py: status, history, jobs, cooldowns;
setup.py: check, discover, notify-test).

Exit codes: 0 success, 1 some board failed (or the database is unusable), 2 the
watchlist (or the command line) is wrong. Expected failures print one clear line
each, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from secondchance import __version__, logs
from secondchance.cli.common import EXIT_CONFIG, EXIT_FAILED

# Every process starts here, `--help` included, so the heavy imports (the watchlist's
# schema, SQLAlchemy, httpx/aiohttp, rich, the poller, the scheduler) happen in the
# commands that use them, not at module level.


def parser() -> argparse.ArgumentParser:
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
    args = parser().parse_args(argv)
    logs.setup(args.log_level, args.log_format)
    from secondchance.cli import poll, reports, setup
    from secondchance.config import ConfigError
    from secondchance.storage import StorageError

    handler = {
        "history": reports.cmd_history,
        "jobs": reports.cmd_jobs,
        "cooldowns": reports.cmd_cooldowns,
        "status": reports.cmd_status,
        "notify-test": setup.cmd_notify_test,
        "check": setup.cmd_check,
        "discover": setup.cmd_discover,
        "health": poll.cmd_health,
        "once": poll.cmd_once,
        "run": poll.cmd_run,
        "peek": poll.cmd_peek,
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
