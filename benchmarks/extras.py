"""The figures outside the per-N table: startup costs, diff time, idle daemon RSS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness import HERE, BoardServer, write_watchlist
from idle import idle_rss
from measure import run

PYTHON = sys.executable
SECONDCHANCE = str(Path(sys.executable).parent / "secondchance")


def startup_figures(timeout: float, work: Path) -> list[str]:
    """Fixed per-process costs, to read the small-N rows against."""
    work.mkdir(parents=True, exist_ok=True)
    empty = work / "empty.toml"
    empty.write_text("", encoding="utf-8")
    commands = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "python -c 'import httpx'": [PYTHON, "-c", "import httpx"],
        # The fixed costs of the chosen stack, which a one-shot `once` pays every run.
        "python -c 'import aiohttp'": [PYTHON, "-c", "import aiohttp"],
        "python -c 'import sqlalchemy.orm'": [PYTHON, "-c", "import sqlalchemy.orm"],
        "secondchance --help (imports, no work)": [SECONDCHANCE, "--help"],
        # Start-up, the database opened (created the first time) and closed: what every
        # `once` pays before its first request.
        "secondchance once, an empty watchlist": [
            SECONDCHANCE,
            "once",
            "--config",
            str(empty),
            "--data-dir",
            str(work / "data"),
        ],
    }
    lines = ["startup costs (wall s / CPU s / RSS MB):"]
    for label, command in commands.items():
        m = run(label, command, timeout=timeout)
        lines.append(f"  {label:44} {m.wall:5.2f} {m.cpu:5.2f} {m.rss_mb:5.0f}")
    return lines


def diff_figure(timeout: float) -> str:
    done = subprocess.run(
        [PYTHON, str(HERE / "diffbench.py")], capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        return f"diff benchmark failed: {done.stderr.strip()[-300:]}"
    figures = json.loads(done.stdout)
    return (
        f"diff_source, one board of {figures['postings']} postings, ~1 % different "
        f"({figures['changes']} changes): median {figures['median_ms']} ms of 5 "
        f"{figures['runs_ms']}; identical observation {figures['identical_median_ms']} ms"
    )


def idle_figure(seed: int, work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    boards = 100
    with BoardServer(boards, seed, work / "boards.log") as server:
        watchlist = work / "watchlist.toml"
        write_watchlist(watchlist, boards, server.base, interval="1h", jitter="0s")
        idle = idle_rss(watchlist, work / "data", boards, work / "daemon.log")
    return (
        f"idle daemon (`secondchance run`, {boards} boards, interval 1h): VmRSS "
        f"{idle.rss_kb / 1024:.1f} MB after all {idle.polled} boards polled "
        f"({idle.seconds:.0f}s after start; peak VmHWM {idle.hwm_kb / 1024:.0f} MB); "
        f"exit code after SIGTERM {idle.exit_code}"
    )
