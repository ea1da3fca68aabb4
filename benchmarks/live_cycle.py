"""Is a daemon's poll cycle slower while browsers follow the live updates?

The daemon serves the dashboard in its own process and event loop (`[server] listen`),
and each open page holds a server-sent event stream (`/events`) that reads the
database every 2 s. This runs the same poll cycle (every board once, as the daemon's
poller does it: `daemon/once.poll_once`, 16 companies at a time) after a round of
changes on the local board server (a seeded fifth of the boards change), with

- no web server,
- the web server and 1 client on `/events`,
- the web server and 5 clients on `/events`,

the settings taking turns round after round, in an order that rotates every round
(so a drift of the machine, and whatever the cycle before leaves behind, falls on all
of them alike). It prints, for each setting, the median wall time and process CPU of
a cycle with their spread (the least and the most), and the ratio to no web server
taken round by round (each cycle against the no-server cycle of its own round, so a
slow minute slows both sides of a ratio): the median ratio and the middle half of
the ratios (the quartiles). The load average before and after says how busy the
machine was. The clients are another process (raw sockets reading the stream), so
only the server's share is in the figures. ``--clients 0`` is the web server with no
client.

Not part of `make bench`:
`.venv/bin/python benchmarks/live_cycle.py [--boards 1000] [--rounds 15] [--clients 0,1,5]`
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import BoardServer, write_watchlist

from secondchance.cli.web import dashboard
from secondchance.config.load import load
from secondchance.daemon.app import App
from secondchance.daemon.once import poll_once
from secondchance.storage import dashboard as stored
from secondchance.web import jobs, keys, live

# N streams on /events, each read to its end; prints CONNECTED once each has its
# headers, then how many bytes each read when its stream ends.
CLIENT = r"""
import socket, sys, threading
host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
got = [0] * count
lock = threading.Lock()  # one line per print: threads would mix their words

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
            with lock:
                print("CONNECTED", flush=True)

threads = [threading.Thread(target=follow, args=(i,), daemon=True) for i in range(count)]
for thread in threads:
    thread.start()
sys.stdin.read()  # until the benchmark closes it
print("READ", *got, flush=True)
"""


class Meter:
    """The streams' own work, in CPU time of the thread doing it (so other load on
    the machine hardly moves it): the database reads of the ticks (on the store's
    thread) and the making of the events' frames (on the event loop)."""

    def __init__(self) -> None:
        self.reads = 0
        self.read_cpu = 0.0
        self.frame_cpu = 0.0

    def install(self) -> None:
        read, event, poll, framed = (
            stored.live_since,
            live.alert_event,
            live.poll_event,
            live.frame,
        )

        def timed_read(*args: Any) -> Any:
            started = time.thread_time()
            try:
                return read(*args)
            finally:
                self.reads += 1
                self.read_cpu += time.thread_time() - started

        def timed(function: Any) -> Any:
            def call(*args: Any) -> Any:
                started = time.thread_time()
                try:
                    return function(*args)
                finally:
                    self.frame_cpu += time.thread_time() - started

            return call

        stored.live_since = timed_read  # type: ignore[assignment]
        live.alert_event, live.poll_event, live.frame = timed(event), timed(poll), timed(framed)


METER = Meter()
# By number of clients: for each cycle, the streams' reads, their CPU and the frames'.
STREAM_WORK: dict[int, list[tuple[int, float, float]]] = {}


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
    process = None
    if clients:
        # Started before the timed cycle: its blocking start is not measured.
        process = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-c", CLIENT, host, port, str(clients)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    out = ""
    try:
        if process is not None:
            assert process.stdin is not None and process.stdout is not None
            for _ in range(clients):
                line = await asyncio.to_thread(process.stdout.readline)
                assert line.strip() == "CONNECTED", line
        # The jobs list the server builds when it starts is a cost of starting, not
        # of following the live updates: a dashboard serving for a while has it.
        await jobs.warming(server.app)
        # Past each stream's first look at the database, as a page open for a while.
        await asyncio.sleep(2.5)
        reads, read_cpu, frame_cpu = METER.reads, METER.read_cpu, METER.frame_cpu
        wall, cpu = await one_cycle(app, boards)
        # The last polls of the cycle reach the streams too (their next tick).
        await asyncio.sleep(2.5)
        STREAM_WORK.setdefault(clients, []).append(
            (METER.reads - reads, METER.read_cpu - read_cpu, METER.frame_cpu - frame_cpu)
        )
    finally:
        await server.close()
        server.app[keys.READER].dispose()
        if process is not None:
            out, _ = process.communicate("", timeout=30)
    read = [int(n) for n in out.split()[1:]] if out.startswith("READ") else []
    return wall, cpu, read


async def measure(
    watchlist: Path, data: Path, boards: BoardServer, rounds: int, clients: list[int]
) -> dict[str, list[tuple[float, float]]]:
    config = load(watchlist)
    app = App.open(config, data, console=None)
    settings: list[int | None] = [None, *clients]  # None: no web server
    results: dict[str, list[tuple[float, float]]] = {label(s): [] for s in settings}
    try:
        await poll_once(app, config.companies)  # the baseline: every posting stored
        await one_cycle(app, boards)  # a first steady cycle, not counted
        for round_ in range(rounds):
            shift = round_ % len(settings)
            for setting in settings[shift:] + settings[:shift]:
                if setting is None:
                    wall, cpu = await one_cycle(app, boards)
                    read = None
                else:
                    wall, cpu, read = await with_clients(app, boards, data, setting)
                results[label(setting)].append((wall, cpu))
                if setting and (not read or min(read) == 0):
                    print(f"  round {round_ + 1}: a client read nothing ({read})", file=sys.stderr)
            print(
                f"  round {round_ + 1}/{rounds}: "
                + ", ".join(f"{k} {v[-1][0]:.2f}s" for k, v in results.items()),
                file=sys.stderr,
                flush=True,
            )
    finally:
        await app.aclose()
    return results


def label(setting: int | None) -> str:
    if setting is None:
        return "no web server"
    return f"web server, {setting} SSE client{'' if setting == 1 else 's'}"


def quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    low, _, high = statistics.quantiles(values, n=4)
    return low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--clients", default="0,1,5")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    clients = [int(n) for n in args.clients.split(",") if n]
    load_before = os.getloadavg()
    started = time.perf_counter()
    METER.install()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with BoardServer(args.boards, args.seed, root / "boards.log") as boards:
            watchlist = root / "watchlist.toml"
            write_watchlist(watchlist, args.boards, boards.base)
            data = root / "data"
            results = asyncio.run(measure(watchlist, data, boards, args.rounds, clients))
    load_after = os.getloadavg()
    print(
        f"{args.boards} boards, {args.rounds} rounds (a fifth of the boards changed before "
        f"each cycle), {time.perf_counter() - started:.0f} s; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"(15 min: {load_after[2]:.1f}) on {os.cpu_count()} CPUs"
    )
    print(
        f"{'setting':<28}{'wall s (min-max)':>20}{'CPU s (min-max)':>20}"
        f"{'wall ratio [IQR]':>20}{'CPU ratio [IQR]':>20}"
    )
    base = results[label(None)]
    for name, figures in results.items():
        walls, cpus = [w for w, _ in figures], [c for _, c in figures]
        cells = []
        for values in (walls, cpus):
            cells.append(f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})")
        for index in (0, 1):
            ratios = [f[index] / b[index] for f, b in zip(figures, base, strict=True)]
            low, high = quartiles(ratios)
            cells.append(f"{statistics.median(ratios):.2f} [{low:.2f}-{high:.2f}]")
        print(f"{name:<28}" + "".join(f"{cell:>20}" for cell in cells))
    print("the streams' own work in a cycle and the 2.5 s after (median; thread CPU time):")
    for count, work in STREAM_WORK.items():
        reads = statistics.median(r for r, _, _ in work)
        read_ms = statistics.median(c for _, c, _ in work) * 1000
        frame_ms = statistics.median(f for _, _, f in work) * 1000
        share = (read_ms + frame_ms) / 1000 / statistics.median(c for _, c in base)
        print(
            f"  {label(count):<28}{reads:>4.0f} reads {read_ms:>7.1f} ms, "
            f"frames {frame_ms:>6.1f} ms ({share:.1%} of a cycle's CPU without a server)"
        )


if __name__ == "__main__":
    main()
