"""Is a daemon's poll cycle slower while browsers follow the live updates?

The daemon serves the dashboard in its own process and event loop (`[server] listen`),
and each open page holds a server-sent event stream (`/events`) that reads the
database every 2 s. This runs the same poll cycle (every board once, as the daemon's
poller does it: `daemon/once.poll_once`, 16 companies at a time) after a round of
changes on the local board server (a seeded fifth of the boards change), with

- no web server,
- the web server and 1 client on `/events`,
- the web server and 5 clients on `/events`,

the settings taking turns round after round (so a drift of the machine falls on all
of them), and prints the median wall time and process CPU of a cycle for each, and
the ratio to the first. The clients are another process (raw sockets reading the
stream), so only the server's share is in the figures.

Not part of `make bench`:
`.venv/bin/python benchmarks/live_cycle.py [--boards 1000] [--rounds 5] [--clients 1,5]`
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import BoardServer, write_watchlist

from secondchance.cli.web import dashboard
from secondchance.config.load import load
from secondchance.daemon.app import App
from secondchance.daemon.once import poll_once
from secondchance.web import keys

# N streams on /events, each read to its end; prints CONNECTED once each has its
# headers, then how many bytes each read when its stream ends.
CLIENT = r"""
import socket, sys, threading
host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
got = [0] * count

def follow(index):
    sock = socket.create_connection((host, port))
    sock.sendall(
        f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    first = True
    while data := sock.recv(65536):
        got[index] += len(data)
        if first:
            first = False
            print("CONNECTED", flush=True)

threads = [threading.Thread(target=follow, args=(i,), daemon=True) for i in range(count)]
for thread in threads:
    thread.start()
sys.stdin.read()  # until the benchmark closes it
print("READ", *got, flush=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def one_cycle(app: App, boards: BoardServer) -> tuple[float, float]:
    await asyncio.to_thread(boards.json, "/_round", "POST")
    wall, cpu = time.perf_counter(), time.process_time()
    await poll_once(app, app.config.companies)
    return time.perf_counter() - wall, time.process_time() - cpu


async def with_clients(
    app: App, boards: BoardServer, data: Path, clients: int
) -> tuple[float, float, list[int]]:
    listen = f"127.0.0.1:{free_port()}"
    server = dashboard(app.config, data, lambda: (True, "benchmark"), listen)
    await server.start()
    host, port = listen.split(":")
    # Started before the timed cycle: its blocking start is not measured.
    process = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-c", CLIENT, host, port, str(clients)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        for _ in range(clients):
            line = await asyncio.to_thread(process.stdout.readline)
            assert line.strip() == "CONNECTED", line
        # Past each stream's first look at the database, as a page open for a while.
        await asyncio.sleep(2.5)
        wall, cpu = await one_cycle(app, boards)
        # The last polls of the cycle reach the streams too (their next tick).
        await asyncio.sleep(2.5)
    finally:
        await server.close()
        server.app[keys.READER].dispose()
        out, _ = process.communicate("", timeout=30)
    read = [int(n) for n in out.split()[1:]] if out.startswith("READ") else []
    return wall, cpu, read


async def measure(
    watchlist: Path, data: Path, boards: BoardServer, rounds: int, clients: list[int]
) -> dict[str, list[tuple[float, float]]]:
    config = load(watchlist)
    app = App.open(config, data, console=None)
    results: dict[str, list[tuple[float, float]]] = {}
    try:
        await poll_once(app, config.companies)  # the baseline: every posting stored
        await one_cycle(app, boards)  # a first steady cycle, not counted
        for round_ in range(rounds):
            wall, cpu = await one_cycle(app, boards)
            results.setdefault("no web server", []).append((wall, cpu))
            for count in clients:
                wall, cpu, read = await with_clients(app, boards, data, count)
                label = f"web server, {count} SSE client{'s' if count > 1 else ''}"
                results.setdefault(label, []).append((wall, cpu))
                if not read or min(read) == 0:
                    print(f"  round {round_ + 1}: a client read nothing ({read})", file=sys.stderr)
    finally:
        await app.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", default="1,5")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    clients = [int(n) for n in args.clients.split(",") if n]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with BoardServer(args.boards, args.seed, root / "boards.log") as boards:
            watchlist = root / "watchlist.toml"
            write_watchlist(watchlist, args.boards, boards.base)
            data = root / "data"
            results = asyncio.run(measure(watchlist, data, boards, args.rounds, clients))
    print(f"{args.boards} boards, median of {args.rounds} cycles (a fifth of the boards changed)")
    print(f"{'setting':<30}{'wall s':>8}{'CPU s':>8}{'wall ratio':>12}{'CPU ratio':>11}")
    base_wall = base_cpu = 0.0
    for label, figures in results.items():
        wall = statistics.median(w for w, _ in figures)
        cpu = statistics.median(c for _, c in figures)
        base_wall, base_cpu = (wall, cpu) if not base_wall else (base_wall, base_cpu)
        print(f"{label:<30}{wall:>8.2f}{cpu:>8.2f}{wall / base_wall:>12.2f}{cpu / base_cpu:>11.2f}")


if __name__ == "__main__":
    main()
