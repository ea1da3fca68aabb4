"""`make demo` keeps working: the whole loop, offline, with every alert kind it promises,
and the dashboard served while it runs."""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

pytestmark = pytest.mark.e2e

DEMO = [sys.executable, "-m", "secondchance.cli.demo"]
ENV = {**os.environ, "SECONDCHANCE_DEMO_INTERVAL": "1", "COLUMNS": "200"}


def answer(url: str) -> httpx.Response:
    """``url`` once the demo's daemon serves it (the line comes a moment before)."""
    deadline = time.monotonic() + 15
    while True:
        try:
            return httpx.get(url, timeout=10)
        except httpx.ConnectError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.05)


def test_demo_shows_the_whole_loop_and_serves_the_dashboard_while_it_runs() -> None:
    demo = subprocess.Popen(
        DEMO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert demo.stdout is not None
    lines: list[str] = []
    for line in demo.stdout:
        lines.append(line)
        if found := re.search(r"The dashboard: (http://127\.0\.0\.1:\d+/)", line):
            break
    assert found, "".join(lines)
    overview = answer(found.group(1))
    assert overview.status_code == 200
    assert "Northwind" in overview.text and "Paid Search Marketing" in overview.text
    rest, stderr = demo.communicate(timeout=90)
    assert demo.returncode == 0, stderr
    out = "".join(lines) + rest
    assert "silent baseline" in out
    for title in (
        "Contoso: a new role",
        "Fabrikam: a role closed",
        "Fabrikam: a role reopened",
        "⭐ Northwind: the role you interviewed for is back",
    ):
        assert title in out, out
    assert out.index("Contoso: a new role") < out.index("Fabrikam: a role closed")
    assert out.index("Fabrikam: a role closed") < out.index("Fabrikam: a role reopened")
    assert "Next: write to Dana Lee (recruiter):" in out
    # Nothing else: no duplicates, no alert about old postings.
    assert out.count("── ") == 4, out
    assert "stays up" not in out  # no one at a terminal: the demo ends by itself
    assert "Traceback" not in stderr


def test_at_a_terminal_the_demo_leaves_the_dashboard_up_until_ctrl_c() -> None:
    terminal, other = pty.openpty()
    try:
        demo = subprocess.Popen(
            DEMO, stdin=other, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
        )
        assert demo.stdout is not None
        seen = ""
        for line in demo.stdout:
            seen += line
            if "Ctrl-C stops the demo" in line:
                break
        url = re.search(r"The dashboard: (http://127\.0\.0\.1:\d+/)", seen)
        assert url and "The dashboard stays up at" in seen, seen
        time.sleep(1)  # past the last round: still serving
        assert answer(url.group(1)).status_code == 200
        demo.send_signal(signal.SIGINT)
        _, stderr = demo.communicate(timeout=30)
    finally:
        os.close(terminal)
        os.close(other)
    assert demo.returncode == 0, stderr
    assert "Traceback" not in stderr
