"""The resident memory of an idle daemon that has polled every board once.

Starts ``secondchance run`` on a watchlist, waits until every board has a poll
recorded in the database, lets it settle, reads VmRSS/VmHWM from /proc, and
stops it with SIGTERM.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import query, stop


@dataclass(frozen=True, slots=True)
class Idle:
    rss_kb: int
    hwm_kb: int
    polled: int
    seconds: float
    exit_code: int | None


def _status(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def idle_rss(
    watchlist: Path, data_dir: Path, boards: int, log: Path, *, timeout: float = 180
) -> Idle:
    secondchance = Path(sys.executable).parent / "secondchance"
    command = [str(secondchance), "run", "--config", str(watchlist), "--data-dir", str(data_dir)]
    database = data_dir / "secondchance.db"
    started = time.monotonic()
    polled = 0
    with log.open("w") as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
    try:
        while time.monotonic() - started < timeout and process.poll() is None:
            rows = query(database, "select count(*) from sources where last_poll_at is not null")
            polled = rows[0][0] if rows else 0
            if polled >= boards:
                break
            time.sleep(0.5)
        seconds = time.monotonic() - started
        time.sleep(12)  # the last transaction commits, a delivery cycle (10 s) runs, all quiet
        status = _status(process.pid) if process.poll() is None else {}
    finally:
        stop(process, timeout=20)
    return Idle(status.get("VmRSS", 0), status.get("VmHWM", 0), polled, seconds, process.returncode)
