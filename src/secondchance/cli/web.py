"""``secondchance web``: the dashboard alone, against the database a daemon elsewhere
writes. It opens the database read-only as it is (never created, never migrated)
and sends nothing."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from secondchance.cli.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, data_dir, load_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from secondchance.config import Config
    from secondchance.web.server import WebServer

DEFAULT_LISTEN = "127.0.0.1:9464"


def dashboard(
    config: Config, data: Path, healthy: Callable[[], tuple[bool, str]], listen: str
) -> WebServer:
    """The web server for ``run`` and ``web``. Its pages read through a read-only Store
    of their own (live: it sees what the daemon writes), never the daemon's writing
    one, so a page never waits behind a poll nor holds one up. StorageError when the
    database is not there."""
    from secondchance.daemon.app import existing_store
    from secondchance.web.server import WebServer, build_app

    reader = existing_store(config, data, live=True)
    app = build_app(
        config,
        reader,
        healthy,
        listen=listen,
        # The actions' own writable Store, opened at the first action: never created,
        # never migrated (existing_store), and no write lock held by a page.
        writer=lambda: existing_store(config, data, writable=True),
    )
    return WebServer(app, listen)


def cmd_web(args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from secondchance.config.tables import parse_listen, token_problem
    from secondchance.web import keys
    from secondchance.web.server import ListenError

    config = load_config(args)  # [server] listen without a token off loopback: exit 2
    listen = args.listen or config.server.listen or DEFAULT_LISTEN
    if args.listen:
        try:
            parse_listen(listen)
        except ValueError as exc:
            print(f"secondchance: --listen: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        problem = token_problem(listen, config.server.token)
        if problem is not None:
            print(f"secondchance: --listen: {problem}", file=sys.stderr)
            return EXIT_CONFIG
    # No database: StorageError, one line and exit 1 (cli/__init__.py).
    server = dashboard(config, data_dir(args), lambda: (True, "serving the dashboard"), listen)

    async def serve() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await server.start()
        try:
            await stop.wait()
        finally:
            await server.close()
        return EXIT_OK

    try:
        return asyncio.run(serve())
    except ListenError as exc:
        print(f"secondchance: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        server.app[keys.READER].dispose()
