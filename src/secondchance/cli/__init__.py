"""The command line: its parser, and each command handed to the module that runs it
(poll.py: once, run, peek, health; reports.py: status, history, jobs, cooldowns;
setup.py: check, discover, notify-test; imports.py: import; web.py: web).

Exit codes: 0 success, 1 some board failed (or the database is unusable), 2 the
watchlist (or the command line) is wrong. Expected failures print one clear line
each, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from secondchance import logs
from secondchance.cli.common import EXIT_CONFIG, EXIT_FAILED
from secondchance.cli.parser import parser

__all__ = ["main", "parser"]

# Every process starts here, `--help` included, so the heavy imports (the watchlist's
# schema, SQLAlchemy, httpx/aiohttp, rich, the poller, the scheduler) happen in the
# commands that use them, not at module level.


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "completion":
        from secondchance.cli.completion import script

        return _print_all(script(args.shell))
    logs.setup(args.log_level, args.log_format)
    from secondchance.cli import imports, poll, reports, setup, starter, web
    from secondchance.config import ConfigError
    from secondchance.storage import StorageError

    handler = {
        "history": reports.cmd_history,
        "jobs": reports.cmd_jobs,
        "cooldowns": reports.cmd_cooldowns,
        "status": reports.cmd_status,
        "notify-test": setup.cmd_notify_test,
        "init": starter.cmd_init,
        "check": setup.cmd_check,
        "discover": setup.cmd_discover,
        "import": imports.cmd_import,
        "health": poll.cmd_health,
        "once": poll.cmd_once,
        "run": poll.cmd_run,
        "peek": poll.cmd_peek,
        "web": web.cmd_web,
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
    except BrokenPipeError:
        return _closed_pipe()


def _print_all(text: str) -> int:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        return _closed_pipe()
    return 0


def _closed_pipe() -> int:
    """The reader of standard output went away (`| head`): stop quietly. Standard
    output is pointed at /dev/null so the interpreter's last flush at exit cannot
    fail again and print "Exception ignored ... BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    # 128 + SIGPIPE, as a shell reports a command that a closed pipe stopped.
    return 141
