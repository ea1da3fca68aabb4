"""`secondchance init`: a starter watchlist where the commands will look for it."""

from __future__ import annotations

import argparse
import shlex
import sys

from secondchance.cli.common import EXIT_FAILED, EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from secondchance.config import default_config_path
    from secondchance.config.starter import write_starter

    path = args.config or default_config_path()
    try:
        written = write_starter(path)
    except OSError as exc:
        print(f"secondchance: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    if not written:
        print(f"secondchance: {path} already exists; left unchanged", file=sys.stderr)
        return EXIT_FAILED
    # The commands the user types next need --config only for a file outside the default.
    where = "" if args.config is None else f" --config {shlex.quote(str(path))}"
    print(
        f"Wrote a starter watchlist to {path} (its companies are commented out).\n"
        "Next:\n"
        f"  secondchance discover https://company.example/careers --add Company{where}"
        "   # add a company's board\n"
        f"  secondchance check{where}"
        "   # validate it after every edit\n"
        f"  secondchance once{where}"
        "    # a first poll: records each board, alerts from the next one on"
    )
    return EXIT_OK
