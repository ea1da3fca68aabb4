"""Run one command as a whole process and record wall time, CPU time and peak RSS.

Uses GNU ``/usr/bin/time -f "%e %U %S %M"``; without it, ``getrusage(RUSAGE_CHILDREN)``
deltas around the run (user/sys exact; peak RSS is the children's high-water
mark so far, which is exact as long as runs only grow, as they do here).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")


@dataclass(frozen=True, slots=True)
class Measured:
    label: str
    wall: float
    user: float
    sys: float
    rss_kb: int
    returncode: int
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    @property
    def rss_mb(self) -> float:
        return self.rss_kb / 1024


def run(label: str, command: list[str], *, timeout: float, cwd: Path | None = None) -> Measured:
    """Run ``command`` to completion (its process group is killed after ``timeout`` s)."""
    if GNU_TIME.exists():
        with tempfile.TemporaryDirectory(prefix="bench-time-") as scratch:
            report = Path(scratch) / "time"
            full = [str(GNU_TIME), "-f", "%e %U %S %M", "-o", str(report), *command]
            code, out, err = _run(full, timeout, cwd)
            fields = report.read_text().split()[-4:] if report.exists() else []
        if len(fields) == 4:
            wall, user, sys_, rss = fields
            return Measured(label, float(wall), float(user), float(sys_), int(rss), code, out, err)
        return Measured(label, timeout, 0.0, 0.0, 0, code, out, err)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    code, out, err = _run(command, timeout, cwd)
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user_s = after.ru_utime - before.ru_utime
    sys_s = after.ru_stime - before.ru_stime
    return Measured(label, wall_s, user_s, sys_s, after.ru_maxrss, code, out, err)


def _run(command: list[str], timeout: float, cwd: Path | None) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Its own process group, so a timeout also ends what the command started.
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            return -9, out, err + f"\ntimed out after {timeout:g}s"
        return process.returncode, out, err
