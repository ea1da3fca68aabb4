"""The pieces the driver shares: the board server process, watchlists, the database."""

from __future__ import annotations

import json
import select
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = ("greenhouse", "lever", "ashby")  # the same rotation as synth.KINDS


class BoardServer:
    """``boards.py`` in its own process, on a free port of 127.0.0.1."""

    def __init__(self, boards: int, seed: int, log: Path, *, ready_timeout: float = 600) -> None:
        self.boards, self.seed, self.log = boards, seed, log
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen[str] | None = None
        self.base = ""

    def __enter__(self) -> BoardServer:
        command = [sys.executable, str(HERE / "boards.py"), "--boards", str(self.boards)]
        command += ["--seed", str(self.seed), "--host", "127.0.0.1", "--port", "0"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True
            )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], self.ready_timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("READY "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"board server did not start: {self.log.read_text()[-2000:]}")
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def _call(self, path: str, method: str = "GET") -> bytes:
        data = b"" if method == "POST" else None
        request = urllib.request.Request(self.base + path, method=method, data=data)
        with urllib.request.urlopen(request, timeout=600) as response:
            body: bytes = response.read()
            return body

    def json(self, path: str, method: str = "GET") -> Any:
        return json.loads(self._call(path, method))

    def urls(self) -> list[str]:
        return [self.base + p for p in self._call("/_urls").decode().splitlines() if p]

    def stats(self) -> dict[str, int]:
        stats: dict[str, int] = self.json("/_stats")
        return stats


def stop(process: subprocess.Popen[bytes], *, timeout: float = 30) -> None:
    """SIGTERM, as systemd and Docker send it; SIGKILL if it does not end in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def stats_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: after.get(key, 0) - before.get(key, 0) for key in after}


def write_watchlist(
    path: Path, boards: int, base: str, *, interval: str = "30m", jitter: str = "3m"
) -> None:
    """N companies with one board each, every API pointed at the local server.

    ``per_host = 8``: every board lives on one local host here, so the default 4
    would halve the parallelism the floors get (concurrency 8). ``max_body_mb = 64``:
    the largest synthetic Ashby boards (3,000 postings with HTML and plain-text
    descriptions) exceed the default 20 MB, as a real board that size would.
    """
    lines = [
        "[settings]",
        f'interval = "{interval}"',
        f'jitter = "{jitter}"',
        "per_host = 8",
        "max_body_mb = 64",
        "",
        "[settings.endpoints]",
        *(f'{kind} = "{base}"' for kind in KINDS),
        "",
    ]
    for index in range(boards):
        kind = KINDS[index % len(KINDS)]
        lines += ["[[company]]", f'name = "Bench Co {index:05d}"', f'{kind} = "bench{index:05d}"']
        lines.append("")
    path.write_text("\n".join(lines))


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read-only rows from the secondchance SQLite file ([] if it is not there yet)."""
    if not database.exists():
        return []
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute(sql).fetchall()
    except sqlite3.Error:
        return []
