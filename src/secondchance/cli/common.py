"""What every command shares: exit codes, the watchlist and data directory the
options name, and printing alerts to a terminal or a pipe."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from secondchance import logs
from secondchance.core import wording
from secondchance.core.wording import plural
from secondchance.storage.shapes import posting_json

# rich, the watchlist's schema and the database are imported where they are used:
# every process starts here, `--help` included.
if TYPE_CHECKING:
    from rich.console import Console

    from secondchance.config import Company, Config
    from secondchance.core.why import Explanation
    from secondchance.delivery.render import Message

__all__ = ["plural", "posting_json"]  # for the commands, with the rest of what they share

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def load_config(args: argparse.Namespace) -> Config:
    from secondchance.config import default_config_path, load

    config = load(args.config or default_config_path())
    # From here on, the secrets the watchlist resolved are masked in every log line.
    logs.setup(args.log_level, args.log_format, config.secrets)
    if args.command != "check":  # check prints them as its own lines
        for warning in config.warnings:
            logging.getLogger("secondchance").warning("watchlist: %s", warning)
    return config


def data_dir(args: argparse.Namespace) -> Path:
    from secondchance.config import default_data_dir

    return Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()


def company_named(config: Config, name: str) -> Company | None:
    """The company, or None after saying which names the watchlist has."""
    company = config.company(name)
    if company is None:
        known = ", ".join(c.name for c in config.companies)
        print(f"secondchance: no company named {name!r} (known: {known})", file=sys.stderr)
    return company


def print_json(record: Mapping[str, object]) -> None:
    """One JSON object on one line of standard output (what every --json prints)."""
    print(json.dumps(record, ensure_ascii=False), flush=True)


def to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


@functools.cache
def console() -> Console:
    # One Console for the process: building one per alert cost more than printing it.
    # It writes to whatever sys.stdout is at the time.
    from rich.console import Console

    return Console(highlight=False, markup=False, soft_wrap=True)


def print_message(message: Message) -> None:
    """An alert message on standard output (the terminal channel)."""
    if not to_terminal():
        # journald, a file, a pipe: nothing to style, and rich's rendering of the same
        # characters cost more than the rest of queuing the alert (and importing rich,
        # more than a quiet `once`'s printing).
        print(f"── {message.title} ──\n{message.body}\n", flush=True)
        return
    out = console()
    out.print(f"── {message.title} ──", style="bold")
    out.print(message.body)
    out.print()


def why_text(why: Explanation) -> str:
    """One line for a table: the decision, then how alike the title is to each role."""
    text = why.reason
    if why.roles:
        alike = ", ".join(f"{role} {score:.0f}%" for role, score in why.roles)
        text += f" · like the rejected {alike}"
    return text


def ago(when: datetime | None) -> str:
    return wording.ago(None if when is None else (datetime.now(UTC) - when).total_seconds())
