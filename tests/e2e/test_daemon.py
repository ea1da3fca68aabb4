"""End to end, no mocks: the real CLI in a subprocess, real boards on
127.0.0.1 that change between polls, and a real Apprise json:// receiver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, BoardServer, Receiver

pytestmark = pytest.mark.e2e

GH = "/v1/boards/acme/jobs"
LV = "/v0/postings/acme"
PAGE = "/careers"


def greenhouse(*ids: int) -> dict[str, Any]:
    data = json.loads(
        (FIXTURES / "greenhouse/smarterdx-jobs-content-true-trimmed.json").read_text()
    )
    template = data["jobs"][0]
    data["jobs"] = [
        dict(template, id=i, title=f"Greenhouse Role {i}", absolute_url=f"https://gh.test/{i}")
        for i in ids
    ]
    return data


def lever(*ids: str) -> list[dict[str, Any]]:
    template = json.loads((FIXTURES / "lever/spotify-postings-4.json").read_text())[0]
    return [
        dict(template, id=i, text=f"Lever Role {i}", hostedUrl=f"https://lv.test/{i}") for i in ids
    ]


def careers(*slugs: str) -> str:
    items = "".join(
        f'<li class="job"><a href="/jobs/{s}">Page Role {s}</a><span class="loc">Zurich</span></li>'
        for s in slugs
    )
    return f"<html><body><h1>Careers</h1><ul>{items}</ul></body></html>"


def serve(boards: BoardServer, gh: dict[str, Any], lv: list[dict[str, Any]], page: str) -> None:
    boards.set(GH, gh)
    boards.set(LV, lv)
    boards.set(PAGE, page, content_type="text/html; charset=utf-8")


@pytest.fixture
def watchlist(tmp_path: Path, boards: BoardServer, receiver: Receiver, database: str) -> Path:
    """The end-to-end watchlist, on SQLite and (when available) PostgreSQL."""
    path = tmp_path / "watchlist.toml"
    careers_line = (
        f'careers = {{ url = "{boards.url}{PAGE}", item = "li.job", title = "a", '
        'link = "a@href", location = ".loc" }'
    )
    path.write_text(
        f"""
[settings]
interval = "1s"
jitter = "0s"
timeout = "5s"
database = "{database}"

[settings.endpoints]
greenhouse = "{boards.url}"
lever = "{boards.url}"

[notify]
urls = ["${{E2E_NOTIFY_URL}}"]
retry_min = "1s"

[[company]]
name = "Acme"
greenhouse = "acme"
lever = "acme"
{careers_line}
""",
        encoding="utf-8",
    )
    return path


class CLI:
    def __init__(self, config: Path, data: Path, receiver: Receiver) -> None:
        self.env = {**os.environ, "E2E_NOTIFY_URL": receiver.url}
        self.base = ["--config", str(config), "--data-dir", str(data)]

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "secondchance", *args, *self.base],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
        )

    def once(self) -> tuple[int, list[dict[str, Any]], str]:
        done = self("once", "--json")
        alerts = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        return done.returncode, alerts, done.stderr


def summary(alerts: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((a["kind"], a["source"]["kind"], a["posting_id"] or "") for a in alerts)


def test_watch_loop_end_to_end(
    tmp_path: Path, watchlist: Path, boards: BoardServer, receiver: Receiver
) -> None:
    cli = CLI(watchlist, tmp_path / "data", receiver)
    assert cli("check").returncode == 0

    # 1. The first poll is a silent baseline.
    serve(boards, greenhouse(1, 2), lever("a", "b"), careers("x", "y"))
    code, alerts, _ = cli.once()
    assert (code, alerts) == (0, [])
    assert receiver.messages == []

    # 2. A new posting on each board: alerted once, in one message for the company.
    serve(boards, greenhouse(1, 2, 3), lever("a", "b", "c"), careers("x", "y", "z"))
    code, alerts, _ = cli.once()
    assert code == 0
    assert summary(alerts) == [
        ("new", "careers", f"{boards.url}/jobs/z"),
        ("new", "greenhouse", "3"),
        ("new", "lever", "c"),
    ]
    messages = receiver.wait_for(1)
    assert len(messages) == 1
    assert messages[0]["title"] == "Acme: 3 new roles"
    assert messages[0]["type"] == "info"
    for title in ("Greenhouse Role 3", "Lever Role c", "Page Role z"):
        assert title in messages[0]["message"]
    assert cli.once()[1] == []

    # 3. A 500 is a failed poll, never a removal; the lever posting missing twice is closed.
    boards.set(GH, status=500, body=b"Internal Server Error")
    boards.set(LV, lever("a", "c"))
    code, alerts, stderr = cli.once()
    assert (code, alerts) == (1, [])
    assert "greenhouse:acme" in stderr and "HTTP 500" in stderr
    code, alerts, _ = cli.once()
    assert code == 1
    assert summary(alerts) == [("closed", "lever", "b")]

    # 4. The board recovers: nothing of greenhouse was closed; "b" comes back as reopened.
    serve(boards, greenhouse(1, 2, 3), lever("a", "b", "c"), careers("x", "y", "z"))
    code, alerts, _ = cli.once()
    assert code == 0
    assert summary(alerts) == [("reopened", "lever", "b")]
    messages = receiver.wait_for(3)
    assert len(messages) == 3
    assert [(m["title"], m["type"]) for m in messages[1:]] == [
        ("Acme: a role closed", "info"),
        ("Acme: a role reopened", "info"),
    ]
    # A closed posting says when it was first seen and how long it was open.
    assert "first seen " in messages[1]["message"]

    # 5. An alert queued while the receiver is down is delivered once it is back.
    receiver.stop()
    serve(boards, greenhouse(1, 2, 3, 4), lever("a", "b", "c"), careers("x", "y", "z"))
    code, alerts, stderr = cli.once()
    assert summary(alerts) == [("new", "greenhouse", "4")]
    assert "1 not delivered yet (kept for the next try)" in stderr.splitlines()[-1]
    receiver.start()

    # 6. The daemon: delivers the pending alert, polls every second, and alerts a
    #    posting that appears while it runs; SIGTERM stops it cleanly.
    daemon = subprocess.Popen(
        [sys.executable, "-m", "secondchance", "run", *cli.base],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        messages = receiver.wait_for(4, timeout=20)
        assert len(messages) == 4
        assert "Greenhouse Role 4" in messages[3]["message"]
        serve(boards, greenhouse(1, 2, 3, 4), lever("a", "b", "c", "d"), careers("x", "y", "z"))
        messages = receiver.wait_for(5, timeout=20)
        assert len(messages) == 5
        assert "Lever Role d" in messages[4]["message"]
        time.sleep(2.5)  # a few more cycles: nothing is sent twice
        assert len(receiver.messages) == 5
    finally:
        daemon.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, stderr = daemon.communicate(timeout=15)
    assert daemon.returncode == 0, stderr
    assert time.monotonic() - started < 10
    assert "stopped" in stderr
    assert "Traceback" not in stderr
    # Secrets never reach the logs: the notification URL came from the environment.
    assert receiver.url not in stderr

    # 7. After the restart nothing is re-sent, and status shows the boards.
    code, alerts, _ = cli.once()
    assert (code, alerts) == (0, [])
    status = cli("status", "--json")
    rows = [json.loads(line) for line in status.stdout.splitlines()]
    assert {r["source"]["kind"]: r["open_postings"] for r in rows} == {
        "careers": 3,
        "greenhouse": 4,
        "lever": 4,
    }
    assert all(r["pending_alerts"] == 0 for r in rows)
    assert len(receiver.messages) == 5


def test_sigterm_abandons_a_hung_poll_without_touching_the_snapshot(
    tmp_path: Path, boards: BoardServer, receiver: Receiver
) -> None:
    path = tmp_path / "slow.toml"
    path.write_text(
        f"""
[settings]
interval = "1s"
jitter = "0s"
timeout = "60s"
shutdown_timeout = "2s"
[settings.endpoints]
greenhouse = "{boards.url}"
[[company]]
name = "Acme"
greenhouse = "acme"
""",
        encoding="utf-8",
    )
    cli = CLI(path, tmp_path / "data", receiver)
    boards.set(GH, greenhouse(1, 2))
    assert cli.once()[0] == 0
    boards.set(GH, greenhouse(1, 2, 3), delay=30)  # the next poll hangs
    daemon = subprocess.Popen(
        [sys.executable, "-m", "secondchance", "run", *cli.base],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 15
    while boards.hits.get(GH, 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert boards.hits.get(GH, 0) >= 2, "the daemon never started its poll"
    started = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    _, stderr = daemon.communicate(timeout=15)
    elapsed = time.monotonic() - started
    assert daemon.returncode == 0, stderr
    assert elapsed < 10
    assert "abandoned 1 unfinished poll" in stderr
    assert "Traceback" not in stderr
    # The abandoned poll wrote nothing: the next one finds posting 3 new, once.
    boards.set(GH, greenhouse(1, 2, 3))
    code, alerts, _ = cli.once()
    assert (code, summary(alerts)) == (0, [("new", "greenhouse", "3")])
