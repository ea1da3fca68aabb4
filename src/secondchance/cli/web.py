"""``secondchance web``: the dashboard alone, against the database a daemon elsewhere
writes. It opens the database read-only as it is (never created, never migrated)
and sends nothing."""

from __future__ import annotations

import argparse
import sys

from secondchance.cli.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, data_dir, load_config

DEFAULT_LISTEN = "127.0.0.1:9464"


def cmd_web(args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from secondchance.config.tables import parse_listen, token_problem
    from secondchance.daemon.app import existing_store
    from secondchance.web.server import ListenError, WebServer, build_app

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
    reader = existing_store(config, data_dir(args))  # StorageError: one line, exit 1

    async def serve() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        server = WebServer(
            build_app(config, reader, lambda: (True, "serving the dashboard"), listen=listen),
            listen,
        )
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
        reader.dispose()
