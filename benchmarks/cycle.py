"""The CPU of one steady-state poll cycle inside a running daemon.

`secondchance once` pays for starting a process (imports, opening the database)
on every run; the daemon pays that once. This starts ``secondchance run`` on N
boards (interval 60 s, no jitter), waits until every board has been polled,
advances the board server one round (a seeded fifth of the boards change), and
reads the daemon's user + system CPU from /proc before the round and once every
board has been polled again. The difference is what one poll of every board
costs the daemon, idle time between polls included (a delivery run every 10 s,
the heartbeat).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import BoardServer, query, stop

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Cycle:
    cpu: float  # user + system seconds of the daemon over the cycle
    seconds: float  # from the round to the last board polled again
    polled: int
    changed: int
    exit_code: int | None
    error: str = ""


def _cpu(pid: int) -> float:
    # /proc/PID/stat fields 14 and 15 (utime, stime), after the parenthesised name.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _polled_since(database: Path, since: str) -> int:
    rows = query(database, f"select count(*) from sources where last_poll_at > '{since}'")
    return rows[0][0] if rows else 0


def daemon_cycle(
    server: BoardServer, watchlist: Path, data_dir: Path, boards: int, log: Path, *, timeout: float
) -> Cycle:
    secondchance = Path(sys.executable).parent / "secondchance"
    command = [str(secondchance), "run", "--config", str(watchlist), "--data-dir", str(data_dir)]
    database = data_dir / "secondchance.db"
    with log.open("w") as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + timeout
        while _polled_since(database, "0") < boards:
            if process.poll() is not None or time.monotonic() > deadline:
                return Cycle(0, 0, 0, 0, process.poll(), "the first cycle did not complete")
            time.sleep(0.5)
        time.sleep(2)  # the last write of the first cycle commits
        before = _cpu(process.pid)
        # The stored timestamps are UTC text ("YYYY-MM-DD HH:MM:SS.ffffff").
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        started = time.monotonic()
        changed = server.json("/_round", "POST")["changed"]
        while (polled := _polled_since(database, since)) < boards:
            if process.poll() is not None or time.monotonic() > deadline:
                return Cycle(0, 0, polled, changed, process.poll(), "the second cycle stalled")
            time.sleep(0.5)
        seconds = time.monotonic() - started
        time.sleep(2)
        return Cycle(_cpu(process.pid) - before, seconds, polled, changed, None)
    finally:
        stop(process, timeout=30)
