"""The command line, declared once: every command, its one-line purpose, each option's
help and a few examples. `--help`, the README's command table and the shell
completions (cli/completion.py) are all read from this parser.

The options every command shares (--config, --data-dir, --log-level, --log-format)
are accepted before and after the command: `secondchance --config w.toml check` and
`secondchance check --config w.toml` mean the same. The copy on each command has no
default (argparse.SUPPRESS): a subparser's default would otherwise overwrite the value
given before the command.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from secondchance import __version__

PROG = "secondchance"
SHELLS = ("bash", "zsh", "fish")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


# An option as add_argument takes it: its flags (or name), and its keywords.
Spec = tuple[tuple[str, ...], dict[str, object]]


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one line, in `secondchance --help`
    examples: tuple[tuple[str, str], ...] = ()  # (command line, what it does)
    details: str = ""  # more, in `secondchance NAME --help`
    # Whether the command reads the watchlist, the database (completion needs neither).
    common: bool = True
    options: list[Spec] = field(default_factory=list)


def _json(what: str) -> Spec:
    return ("--json",), {"action": "store_true", "help": f"JSON lines instead of a table: {what}"}


def _company(required: bool, what: str) -> Spec:
    return ("--company",), {"required": required, "metavar": "NAME", "help": what}


_WHY: Spec = (
    ("--why",),
    {
        "action": "store_true",
        "help": "say for each posting whether it passes your filters, the rule and word "
        "that decided, and how alike its title is to each role you were turned down for",
    },
)

COMMANDS: tuple[Command, ...] = (
    Command(
        "init",
        "write a commented starter watchlist (its companies commented out)",
        (
            ("secondchance init", "write ~/.config/secondchance/watchlist.toml"),
            ("secondchance init --config ./watchlist.toml", "write it here instead"),
        ),
        "The file is created with mode 0600 (it will hold your notification URLs) and its "
        "folder with it; an existing file is never overwritten (exit 1).",
    ),
    Command(
        "check",
        "validate the watchlist (no network): every mistake with its file, line and key",
        (("secondchance check", "check the default watchlist"),),
        "Exit 0 when the watchlist is valid (warnings are printed but do not fail it), "
        "2 when it is not.",
    ),
    Command(
        "once",
        "poll every board once, deliver the alerts, then exit",
        (
            ("secondchance once", "poll every company, print or send what is new"),
            ("secondchance once --company Acme --json", "one company; alerts as JSON lines"),
        ),
        "The first poll of a board is a silent baseline: alerts come from the second on. "
        "The last line on standard error sums the poll up. Exit 1 if a board failed.",
        options=[
            _json("the queued alerts"),
            (
                ("--company",),
                {
                    "action": "append",
                    "metavar": "NAME",
                    "help": "poll only this company (repeatable)",
                },
            ),
        ],
    ),
    Command(
        "run",
        "run the daemon: poll each company on its interval and deliver alerts",
        (("secondchance run", "until Ctrl-C, SIGTERM; SIGHUP re-reads the watchlist"),),
        "It logs one line per board per poll. Under systemd or Docker, see the README.",
    ),
    Command(
        "web",
        "serve the dashboard alone, against the database a daemon writes (never sends)",
        (
            ("secondchance web", "on [server] listen, or http://127.0.0.1:9464/"),
            ("secondchance web --listen 127.0.0.1:8080", "on another port"),
        ),
        "The database is opened read-only as it is: never created nor migrated. Off "
        "loopback, [server] token is required (exit 2 before listening without it). "
        "Ctrl-C or SIGTERM stops it.",
        options=[
            (
                ("--listen",),
                {
                    "metavar": "ADDR",
                    "help": 'where to listen, "host:port" (instead of [server] listen)',
                },
            )
        ],
    ),
    Command(
        "status",
        "what each board last did: when, the result, open postings, failures, pending alerts",
        (
            ("secondchance status", "a table in a terminal, tab-separated lines in a pipe"),
            ("secondchance status --json | jq .", "one JSON object per board"),
        ),
        "Reads the database only: it never creates or upgrades one.",
        options=[_json("one object per board")],
    ),
    Command(
        "peek",
        "fetch a company's boards now and show their postings (stores nothing)",
        (
            ("secondchance peek --company Acme", "what the boards list today"),
            ("secondchance peek --company Acme --why", "which pass your filters, and why"),
        ),
        "Try a board before relying on it, and tune your filters with --why.",
        options=[
            _company(True, "the company (as named in the watchlist; case and spaces ignored)"),
            _json("one object per posting (a failed board: an error object)"),
            _WHY,
        ],
    ),
    Command(
        "discover",
        "find the job board behind a careers page, a job link or a board URL",
        (
            ("secondchance discover https://acme.com/careers", "print a [[company]] snippet"),
            ("secondchance discover https://acme.com/careers --add Acme", "append it"),
        ),
        "--add appends the board to the watchlist (creating the watchlist if it is missing).",
        options=[
            (("target",), {"metavar": "URL", "help": "a careers page, a job link or a board URL"}),
            (("--offline",), {"action": "store_true", "help": "recognise the URL only"}),
            (("--name",), {"metavar": "NAME", "help": "the company name for the snippet"}),
            (
                ("--add",),
                {"metavar": "NAME", "help": "append the board to the watchlist as this company"},
            ),
            _json("the candidates and the snippet"),
        ],
    ),
    Command(
        "import",
        "propose watchlist entries from your rejection mail, LinkedIn export or tracker CSV",
        (
            ("secondchance import linkedin Basic_LinkedInDataExport.zip", "a dry run: the TOML"),
            (
                "secondchance import mail ~/Mail/Jobs --applications export.zip --write",
                "rejections paired with the applications they answer, written",
            ),
            ("secondchance import csv tracker.csv --map role=Position --json", "JSON lines"),
        ),
        "Nothing is written without --write, which adds the complete entries live and the "
        "rest commented out (with what is missing), after checking the whole result; an "
        "existing company is matched by name (case, punctuation and legal forms aside) or "
        "board, and what the watchlist records already is never added again. An "
        "application without an answer also marks the posting it was for applied in the "
        "database (as the dashboard's I applied; once, with --write). Exit 0 "
        "whether or not anything was found, 1 when a source could not be read, 2 for a "
        "usage error or a result that would not pass `check`.",
        options=[
            (
                ("what",),
                {"choices": ("mail", "linkedin", "csv"), "help": "what the sources are"},
            ),
            (
                ("sources",),
                {
                    "nargs": "+",
                    "metavar": "SOURCE",
                    "help": "mail: an mbox, a Maildir, a folder of .eml files or "
                    "imaps://user@host/FOLDER; linkedin: the export's zip or its Job "
                    "Applications.csv; csv: a tracker's CSV file",
                },
            ),
            (
                ("--since",),
                {"metavar": "DATE", "help": "only what is dated on or after DATE (YYYY-MM-DD)"},
            ),
            (
                ("--discover",),
                {
                    "action": "store_true",
                    "help": "look up the board of a company found without one (fetches "
                    "its careers page)",
                },
            ),
            _json("one object per proposed entry, status rejected or applied"),
            (
                ("--write",),
                {
                    "action": "store_true",
                    "help": "add the proposal to the watchlist (created if missing) instead "
                    "of printing it, and mark the postings applied for in the database",
                },
            ),
            (
                ("--map",),
                {
                    "action": "append",
                    "metavar": "FIELD=COLUMN",
                    "help": "csv, --applications: read FIELD (company, role, date, url, "
                    "status, stage, contact) from COLUMN (repeatable)",
                },
            ),
            (
                ("--applications",),
                {
                    "action": "append",
                    "type": Path,
                    "metavar": "FILE",
                    "help": "mail: also read this LinkedIn export or tracker CSV, and pair "
                    "each rejection with the application it answers (repeatable)",
                },
            ),
        ],
    ),
    Command(
        "history",
        "a company's timeline: rejections, postings seen and closed, alerts",
        (("secondchance history Acme", "everything secondchance knows about Acme"),),
        "Reads the database only.",
        options=[
            (("company",), {"metavar": "COMPANY", "help": "the company, as in the watchlist"}),
            _json("one object per event"),
        ],
    ),
    Command(
        "jobs",
        "postings in the snapshot that pass your filters",
        (
            ("secondchance jobs --open", "what is open now at every company"),
            ("secondchance jobs --company Acme --why", "every posting, and why it is shown"),
        ),
        "Reads the database only. With --why, postings your filters hide are listed too.",
        options=[
            _company(False, "only this company"),
            (("--open",), {"action": "store_true", "help": "only postings open now"}),
            _json("one object per posting"),
            _WHY,
        ],
    ),
    Command(
        "cooldowns",
        "when each reapply cool-down ends",
        (("secondchance cooldowns", "the rejections with a reapply_after, soonest first"),),
        options=[_json("one object per cool-down")],
    ),
    Command(
        "notify-test",
        "send a sample alert through each notification URL, and say how each went",
        (("secondchance notify-test --tag phone", "only the URLs tagged phone"),),
        "Exit 1 if any URL failed; the line says why, as Apprise reported it.",
        options=[(("--tag",), {"metavar": "TAG", "help": "only the URLs carrying this tag"})],
    ),
    Command(
        "health",
        "exit 0 if the daemon is alive (a recent heartbeat) and its database writable",
        (("secondchance health --max-age 10m", "for a container HEALTHCHECK or a monitor"),),
        options=[
            (
                ("--max-age",),
                {
                    "default": "5m",
                    "metavar": "DURATION",
                    "help": "how old the last heartbeat may be (default 5m)",
                },
            )
        ],
    ),
    Command(
        "completion",
        "print the shell completion script for bash, zsh or fish",
        (
            (
                "secondchance completion bash > ~/.local/share/bash-completion/completions/"
                "secondchance",
                "bash",
            ),
            ("secondchance completion fish > ~/.config/fish/completions/secondchance.fish", "fish"),
        ),
        "zsh: write it as _secondchance in a folder of your $fpath.",
        common=False,
        options=[(("shell",), {"choices": SHELLS, "help": "the shell"})],
    ),
)


def _add_common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("common options (before or after the command)")
    group.add_argument(
        "--config",
        type=Path,
        default=default(None),
        metavar="FILE",
        help="the watchlist (default: $SECONDCHANCE_CONFIG, else "
        "~/.config/secondchance/watchlist.toml)",
    )
    group.add_argument(
        "--data-dir",
        type=Path,
        default=default(None),
        metavar="DIR",
        help="where the SQLite database lives (default: $SECONDCHANCE_DATA, else "
        "~/.local/share/secondchance)",
    )
    group.add_argument(
        "--log-level",
        default=default("INFO"),
        choices=LOG_LEVELS,
        help="DEBUG also shows every HTTP request (default INFO)",
    )
    group.add_argument(
        "--log-format",
        default=default("text"),
        choices=LOG_FORMATS,
        help="json: one JSON object per log line (default text)",
    )


def _epilog(command: Command) -> str:
    lines = [command.details, ""] if command.details else []
    if command.examples:
        lines.append("examples:")
        width = max(len(line) for line, _ in command.examples)
        for line, what in command.examples:
            lines.append(f"  {line.ljust(width)}  # {what}")
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Watch the job boards of companies that turned you down, and get told "
        "when a second chance opens.",
        epilog="Start with `secondchance init`; `secondchance COMMAND --help` shows each "
        "command's options and examples.",
    )
    top.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_common(top, suppress=False)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.summary,
            description=command.summary[0].upper() + command.summary[1:] + ".",
            epilog=_epilog(command),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for flags, kwargs in command.options:
            sub.add_argument(*flags, **kwargs)  # type: ignore[arg-type]
        if command.common:
            _add_common(sub, suppress=True)
    return top
