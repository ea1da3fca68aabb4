"""`secondchance import`: rejections and applications from mail, the LinkedIn export
or a tracker's CSV, proposed as watchlist entries (printed), or added (--write)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from secondchance.cli.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, plural, print_json

if TYPE_CHECKING:
    from secondchance.importers.found import Found, Problem

Progress = Callable[[int, int], None]


class UsageError(Exception):
    """A mistake on the command line: one line, exit 2."""


def cmd_import(args: argparse.Namespace) -> int:
    try:
        since = _since(args.since)
        mapping = _mapping(args.map or [])
        sources = _sources(args.what, args.sources)
        applications = _sources("csv", [str(p) for p in args.applications or []])
        if args.applications and args.what != "mail":
            raise UsageError("--applications goes with `import mail`")
        if args.map and not (args.what == "csv" or args.applications):
            raise UsageError("--map goes with `import csv` or --applications")
        return _run(args, since, mapping, sources, applications)
    except UsageError as exc:
        print(f"secondchance: {exc}", file=sys.stderr)
        return EXIT_CONFIG


def _run(
    args: argparse.Namespace,
    since: dt.date | None,
    mapping: dict[str, str],
    sources: list[str],
    applications: list[str],
) -> int:
    from secondchance.config import default_config_path
    from secondchance.importers.found import Problem
    from secondchance.importers.tables import MappingError

    path: Path = args.config or default_config_path()
    found: list[Found] = []
    failed = False
    try:
        for item in _read(args.what, sources, applications, since, mapping, args.discover):
            if isinstance(item, Problem):
                failed = failed or item.fatal
                print(f"secondchance: {item}", file=sys.stderr)
            elif since is None or item.date is None or item.date >= since:
                found.append(item)
    except MappingError as exc:
        print(f"secondchance: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if args.discover:
        found = _discover(found, _endpoints(path))
    if failed and args.write:
        # Half a mailbox read would write half the proposal: the user fixes or drops
        # the source and runs again (the merge makes that run add only what is new).
        print(
            "secondchance: a source failed, so nothing is written: fix it or leave it "
            "out, then run again with --write",
            file=sys.stderr,
        )
        args = argparse.Namespace(**{**vars(args), "write": False})
    code = _propose(args, path, found)
    return code if code != EXIT_OK else (EXIT_FAILED if failed else EXIT_OK)


def _read(
    what: str,
    sources: list[str],
    applications: list[str],
    since: dt.date | None,
    mapping: dict[str, str],
    discover: bool,
) -> Iterator[Found | Problem]:
    from secondchance.importers import tables

    if what == "mail":
        yield from _mail(sources, since)
        for source in applications:
            yield from tables.read_linkedin(Path(source), mapping)
    elif what == "linkedin":
        for source in sources:
            yield from tables.read_linkedin(Path(source))
    else:
        for source in sources:
            yield from tables.read_table_file(Path(source), mapping)


def _mail(sources: list[str], since: dt.date | None) -> Iterator[Found | Problem]:
    try:
        from secondchance.importers.mail import scan
    except ImportError:
        raise UsageError("reading mail is not available in this installation") from None
    with _progress() as progress:
        yield from scan(sources, since=since, progress=progress)


@contextlib.contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress line on standard error when it is a terminal (count, rate, found)."""
    try:
        shown = sys.stderr.isatty()
    except (AttributeError, ValueError):
        shown = False
    if not shown:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = TextColumn(
        "{task.fields[read]} messages read, {task.fields[rate]}/s, {task.fields[found]} found"
    )
    with Bar(
        SpinnerColumn(), columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("mail", read=0, rate=0, found=0)
        start = time.monotonic()

        def update(read: int, found: int) -> None:
            rate = read / max(time.monotonic() - start, 1e-3)
            bar.update(task, read=read, rate=f"{rate:.0f}", found=found)

        yield update


def _discover(found: list[Found], endpoints: Mapping[str, str] | None) -> list[Found]:
    """``found`` with the board of each company that has none looked up online by
    `discover`: on a job link its source gave, else on the careers page of its own site
    (a mail's sender domain: /careers, /jobs, then the home page), first board wins."""
    import asyncio
    import dataclasses

    from secondchance.fetch.client import Fetcher
    from secondchance.importers import discover as finder
    from secondchance.importers.boards import as_board
    from secondchance.importers.found import Board
    from secondchance.importers.names import company_key

    known = {company_key(f.company) for f in found if f.board is not None}
    targets: dict[str, list[str]] = {}
    for item in found:
        key = company_key(item.company)
        if item.board is not None or key in known:
            continue
        urls = targets.setdefault(key, [])
        for url in _places(item):
            if url not in urls:
                urls.append(url)
    without = len(targets)
    targets = {key: urls for key, urls in targets.items() if urls}

    async def look(fetcher: Fetcher, urls: list[str]) -> Board | None:
        for url in urls:
            result = await finder.discover(url, fetcher=fetcher, endpoints=endpoints)
            chosen = [c for c in finder.best(result.candidates) if c.error is None]
            board = next((b for c in chosen if (b := as_board(c.kind, c.value))), None)
            if board is not None:
                return board
        return None

    async def run() -> list[Board | None]:
        fetcher = Fetcher(timeout=20.0, retries=1)
        try:
            return await asyncio.gather(*(look(fetcher, urls) for urls in targets.values()))
        finally:
            await fetcher.aclose()

    looked = zip(targets, asyncio.run(run()) if targets else [], strict=True)
    boards = {key: board for key, board in looked if board is not None}
    print(
        f"secondchance: --discover: found the board of {len(boards)} of "
        f"{plural(without, 'company', 'companies')} without one "
        f"({without - len(targets)} with nothing to look at)",
        file=sys.stderr,
    )
    return [
        dataclasses.replace(f, board=boards[key])
        if f.board is None and (key := company_key(f.company)) in boards
        else f
        for f in found
    ]


def _endpoints(path: Path) -> Mapping[str, str] | None:
    """The watchlist's board endpoints (mirrors), where boards are verified as the
    daemon would poll them; the public ones without a watchlist."""
    if not path.exists():
        return None
    from secondchance.config import load

    return load(path).endpoints


def _places(item: Found) -> list[str]:
    """Where `--discover` looks for a company's board: the job link, then its site's
    careers pages (never a link found in a mail: only the sender's own domain)."""
    places = [item.url] if item.url else []
    if item.site:
        base = item.site.rstrip("/")
        places += [f"{base}/careers", f"{base}/jobs", base]
    return places


def _propose(args: argparse.Namespace, path: Path, found: Iterable[Found]) -> int:
    import tomllib

    from secondchance.cli.applied import mark_applications
    from secondchance.config.starter import write_starter
    from secondchance.importers.edit import Original
    from secondchance.importers.known import read_known
    from secondchance.importers.merge import plan
    from secondchance.importers.render import dry_run

    try:
        if args.write and write_starter(path):
            print(f"wrote a starter watchlist to {path}", file=sys.stderr)
        original = Original.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"secondchance: {path}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        known = read_known(original.text)
    except tomllib.TOMLDecodeError as exc:
        print(f"secondchance: {path}: not valid TOML: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    proposal = plan(found, known)
    entries = proposal.entries()
    rejections = sum(1 for e in entries if e.found.status != "applied")
    summary = (
        f"{plural(rejections, 'rejection')} and "
        f"{plural(len(entries) - rejections, 'application')} without an answer to add"
        + (f"; {proposal.already} already in {path}" if proposal.already else "")
    )
    if args.json:
        for entry in entries:
            print_json(entry.found.as_json())
    elif not args.write:
        sys.stdout.write(dry_run(proposal, str(path)))
        sys.stdout.flush()
    if not args.write:
        hint = f"; --write adds them to {path}" if entries else ""
        print(f"secondchance: {summary}{hint}", file=sys.stderr)
        mark_applications(args, path, proposal.applications, write=False)
        return EXIT_OK
    if proposal.empty:
        print(f"secondchance: {summary}; {path} unchanged", file=sys.stderr)
        mark_applications(args, path, proposal.applications, write=True)
        return EXIT_OK
    from secondchance.importers.apply import LayoutError, apply
    from secondchance.importers.edit import replace_validated

    try:
        text = apply(original.text, proposal, known)
    except LayoutError as exc:
        print(f"secondchance: {path}: {exc}; nothing written", file=sys.stderr)
        return EXIT_CONFIG
    replace_validated(path, text, original)  # a ConfigError: main prints it, exit 2
    print(f"secondchance: {summary}: written to {path}", file=sys.stderr)
    # After the watchlist: the marks are for the companies it now watches.
    mark_applications(args, path, proposal.applications, write=True)
    return EXIT_OK


def _since(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since {text}: not a date (expected YYYY-MM-DD)") from None


def _mapping(pairs: list[str]) -> dict[str, str]:
    from secondchance.importers.tables import FIELDS

    mapping: dict[str, str] = {}
    for pair in pairs:
        field, equals, column = pair.partition("=")
        field = field.strip().casefold()
        if not equals or not column.strip():
            raise UsageError(f"--map {pair}: expected FIELD=COLUMN, e.g. role=Position")
        if field not in FIELDS:
            raise UsageError(f"--map {pair}: unknown field (known: {', '.join(FIELDS)})")
        mapping[field] = column.strip()
    return mapping


def _sources(what: str, sources: list[str]) -> list[str]:
    for source in sources:
        if what == "mail" and source.startswith("imaps://"):
            continue
        if what == "mail" and "://" in source:
            raise UsageError(f"{source}: only imaps:// (TLS) is read")
        if not Path(source).exists():
            raise UsageError(f"{source}: no such file or folder")
    return sources
