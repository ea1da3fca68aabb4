"""The commands that set secondchance up: check the watchlist, find a company's
board, try the notification URLs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping

from secondchance import logs
from secondchance.cli.common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    load_config,
    plural,
    print_json,
)
from secondchance.core.models import ALERT_KINDS, Alert
from secondchance.delivery.render import Message, block


def cmd_check(args: argparse.Namespace) -> int:
    config = load_config(args)
    for warning in config.warnings:
        print(f"secondchance: warning: {warning}", file=sys.stderr)
    boards = sum(len(c.boards) for c in config.companies)
    places = [plural(len(config.targets), "notification URL")] if config.targets else []
    places += ["the terminal"] if config.console_alerts else []
    muted = [kind for kind in ALERT_KINDS if kind not in config.sent_kinds]
    print(
        f"{config.path}: OK: {plural(len(config.companies), 'company', 'companies')}, "
        f"{plural(boards, 'board')}; "
        f"alerts go to {' and '.join(places)}"
        + (f"; muted: {', '.join(muted)}" if muted else "")
        + (f" ({plural(len(config.warnings), 'warning')} above)" if config.warnings else "")
    )
    return EXIT_OK


def cmd_discover(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.importers import discover as finder
    from secondchance.sources import default_endpoints

    endpoints: Mapping[str, str] = default_endpoints()
    if args.config is not None and (args.add is None or args.config.exists()):
        # A watchlist with mirrors: look the boards up where the daemon would (one
        # that --add is about to create has none).
        endpoints = load_config(args).endpoints

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
        print_json(
            {
                "target": found.target,
                "fetched": found.fetched,
                "note": found.note,
                "candidates": [c.as_json() for c in found.candidates],
                "snippet": finder.snippet(name, chosen) if chosen else None,
            }
        )
    else:
        for c in found.candidates:
            outcome = (
                f"error: {c.error}"
                if c.error
                else plural(c.postings, "open posting")
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
        from secondchance.config.starter import write_starter

        path = args.config or default_config_path()
        if write_starter(path):
            print(f"wrote a starter watchlist to {path}", file=sys.stderr)
        summary = finder.add_to_watchlist(path, args.add, chosen)
        print(summary, file=sys.stderr)
    return EXIT_OK


def _toml_value(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def cmd_notify_test(args: argparse.Namespace) -> int:
    import asyncio

    from secondchance.delivery.channels import channels_of
    from secondchance.delivery.sender import Sender

    config = load_config(args)
    channels = [c for c in channels_of(config.targets, console=False) if c.url is not None]
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
            body = block(sample, style=channel.style, context=True)
            message = Message(title="secondchance: test", body=body, alert_ids=(0,))
            results.append(await sender.send(channel, message))
        return results

    failed = False
    for channel, error in zip(channels, asyncio.run(send_all()), strict=True):
        print(logs.redact(f"{channel.label}: {'ok' if error is None else 'FAILED: ' + error}"))
        failed = failed or error is not None
    return EXIT_FAILED if failed else EXIT_OK
