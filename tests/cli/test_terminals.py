"""Every command's output, read three ways: by a reader that quits early (`| head`),
by a pipe, and by a person at a 40-column terminal. No traceback anywhere, and never a
URL or a board name cut or folded.

The commands run as real processes: a closed pipe and a terminal's width are facts of
the process, which in-process tests would only imitate.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer

pytestmark = pytest.mark.e2e

GH = "/v1/boards/acmecorporation/jobs"
# Longer than the terminal is wide: a table would fold them.
URLS = [
    f"https://boards.greenhouse.io/acmecorporation/jobs/40{n}12345678?gh_src=careers_page_{n}"
    for n in range(3)
]
BOARD = "greenhouse:acmecorporation"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def _board(count: int) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": 4000 + n,
                "title": f"Senior Paid Search Marketing Manager, Europe, Middle East {n}",
                "absolute_url": URLS[n],
                "location": {"name": "Berlin, Germany; London, United Kingdom"},
            }
            for n in range(count)
        ]
    }


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path]:
    """A watchlist whose board was polled twice (the second poll raised alerts)."""
    boards = BoardServer()
    tmp = tmp_path_factory.mktemp("terminals")
    path = tmp / "watchlist.toml"
    path.write_text(
        f"""
[settings.endpoints]
greenhouse = "{boards.url}"

[[company]]
name = "Acme Corporation International"
greenhouse = "acmecorporation"

[[company.rejection]]
role = "Paid Search Marketing Manager"
date = 2026-03-01
reapply_after = "6 months"
"""
    )
    args = ["--config", str(path), "--data-dir", str(tmp / "data")]
    boards.set(GH, _board(1))
    for count in (1, 3):
        boards.set(GH, _board(count))
        done = subprocess.run(_command(["once", *args]), capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
    # peek fetches: keep serving for the rest of the module.
    yield args, tmp
    boards.close()


def _command(argv: list[str]) -> list[str]:
    return [sys.executable, "-m", "secondchance", *argv]


COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["jobs"],
    ["jobs", "--why"],
    ["jobs", "--json"],
    ["history", "acme corporation international"],
    ["peek", "--company", "Acme Corporation International"],
    ["peek", "--company", "Acme Corporation International", "--why", "--json"],
    ["cooldowns"],
    ["check"],
    ["once", "--json"],
    ["health"],
    ["discover", "https://boards.greenhouse.io/acmecorporation", "--offline"],
    ["notify-test"],
    ["--help"],
    ["completion", "bash"],
]
# Commands that fail on purpose here: no daemon beat (health), no [notify] urls.
FAILING = {"health": 1, "notify-test": 2}


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_reader_that_quits_early_gets_no_traceback(
    argv: list[str], polled: tuple[list[str], Path]
) -> None:
    args, tmp = polled
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line: `| head -0`
    try:
        done = subprocess.run(
            _command([*argv, *args] if argv[0] not in ("--help", "completion") else argv),
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=120,
            cwd=tmp,
        )
    finally:
        os.close(write)
    err = done.stderr.decode()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "BrokenPipeError" not in err, err
    # 141 (128 + SIGPIPE): what a shell reports for a command a closed pipe stopped.
    assert done.returncode in (FAILING.get(argv[0], 0), 141), (done.returncode, err)


@pytest.mark.parametrize("argv", [a for a in COMMANDS if "--json" not in a], ids=" ".join)
def test_piped_output_is_whole_lines(argv: list[str], polled: tuple[list[str], Path]) -> None:
    args, tmp = polled
    done = subprocess.run(
        _command([*argv, *args] if argv[0] not in ("--help", "completion") else argv),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp,
    )
    assert "Traceback" not in done.stderr
    assert "│" not in done.stdout and "┃" not in done.stdout  # no table drawn for a pipe
    if argv[0] in ("jobs", "peek"):
        header, *rows = done.stdout.splitlines()
        assert "url" in header.split("\t")
        width = len(header.split("\t"))
        assert rows and all(len(row.split("\t")) == width for row in rows), done.stdout
        urls = [row.split("\t")[header.split("\t").index("url")] for row in rows]
        assert sorted(urls) == sorted(URLS)


def _in_terminal(argv: list[str], cwd: Path, columns: int = 40) -> tuple[int, str]:
    """Run ``argv`` on a pseudo-terminal ``columns`` wide; its status and output."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        argv, stdin=follower, stdout=follower, stderr=follower, cwd=cwd, env=env
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    status = process.wait(timeout=30)
    return status, ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")


@pytest.mark.parametrize(
    "argv",
    [a for a in COMMANDS if "--json" not in a and a[0] not in ("completion", "once")],
    ids=" ".join,
)
def test_at_40_columns_no_url_or_board_name_is_cut(
    argv: list[str], polled: tuple[list[str], Path]
) -> None:
    args, tmp = polled
    status, out = _in_terminal(
        _command([*argv, *args] if argv[0] not in ("--help", "completion") else argv), tmp
    )
    assert "Traceback" not in out, out
    assert status == FAILING.get(argv[0], 0), out
    if argv[0] in ("jobs", "peek", "history"):
        for url in URLS if argv[0] != "history" else []:
            assert url in out, f"{url} cut in:\n{out}"
    if argv[0] == "status":
        assert BOARD in out, out


def test_a_wide_terminal_gets_a_table(polled: tuple[list[str], Path]) -> None:
    args, tmp = polled
    status, out = _in_terminal(_command(["jobs", *args]), tmp, columns=250)
    assert status == 0
    assert "│" in out
    for url in URLS:
        assert url in out
