"""The daemon as a service: reload without restart, health, metrics, JSON logs
without secrets — the real CLI against local boards and a real receiver."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BoardServer, Receiver

pytestmark = pytest.mark.e2e

SECRET = "s3cr3t-webhook-t0ken-4242"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def jobs(*ids: int) -> dict[str, object]:
    return {
        "jobs": [
            {"id": i, "title": f"Role {i}", "absolute_url": f"https://x.test/{i}"} for i in ids
        ]
    }


def watchlist(boards: BoardServer, port: int, companies: str, interval: str = "1s") -> str:
    return f"""
[settings]
interval = "{interval}"
jitter = "0s"
[settings.endpoints]
greenhouse = "{boards.url}"
[notify]
urls = ["${{SERVICE_HOOK}}"]
retry_min = "1s"
[server]
listen = "127.0.0.1:{port}"
{companies}
"""


ALPHA = '[[company]]\nname = "Alpha"\ngreenhouse = "alpha"\n'
BETA = '[[company]]\nname = "Beta"\ngreenhouse = "beta"\n'


def test_reload_health_metrics_and_logs(
    tmp_path: Path, boards: BoardServer, receiver: Receiver
) -> None:
    port = free_port()
    config = tmp_path / "watchlist.toml"
    config.write_text(watchlist(boards, port, ALPHA), encoding="utf-8")
    boards.set("/v1/boards/alpha/jobs", jobs(1))
    boards.set("/v1/boards/beta/jobs", jobs(5))
    env = {**os.environ, "SERVICE_HOOK": f"{receiver.url}/{SECRET}"}
    base = ["--config", str(config), "--data-dir", str(tmp_path / "data")]
    cli = [sys.executable, "-m", "secondchance"]
    daemon = subprocess.Popen(
        [*cli, "run", "--log-format", "json", *base],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health_url = f"http://127.0.0.1:{port}/healthz"
        assert wait_until(lambda: get(health_url)[0] == 200), get(health_url)
        assert subprocess.run([*cli, "health", *base], env=env).returncode == 0
        assert wait_until(lambda: boards.hits.get("/v1/boards/alpha/jobs", 0) >= 2)
        status, text = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        assert 'secondchance_polls_total{kind="greenhouse",result="ok"}' in text
        assert 'secondchance_postings_open{company="Alpha"} 1.0' in text
        assert "secondchance_poll_duration_seconds_bucket" in text

        # Add a company, with SIGHUP: it starts polling, state of the others kept.
        config.write_text(watchlist(boards, port, ALPHA + BETA), encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        assert wait_until(lambda: boards.hits.get("/v1/boards/beta/jobs", 0) >= 1)

        # Slow Alpha down by editing the file only: the daemon notices by itself.
        slow = ALPHA + 'interval = "1h"\n' + BETA
        config.write_text(watchlist(boards, port, slow), encoding="utf-8")
        time.sleep(4)  # one watch cycle (2 s) and a poll that might be under way
        alpha = boards.hits["/v1/boards/alpha/jobs"]
        time.sleep(3)
        assert boards.hits["/v1/boards/alpha/jobs"] == alpha

        # An invalid edit keeps the running watchlist and raises one alert.
        config.write_text(watchlist(boards, port, ALPHA + BETA + "bogus = 1\n"), encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        messages = receiver.wait_for(1)
        assert len(messages) == 1
        assert "Watchlist edit rejected" in messages[0]["message"]
        assert messages[0]["title"] == "secondchance: watchlist edit rejected"
        assert messages[0]["type"] == "warning"
        assert "company[1].bogus: unknown key" in messages[0]["message"]
        beta = boards.hits["/v1/boards/beta/jobs"]
        assert wait_until(lambda: boards.hits["/v1/boards/beta/jobs"] > beta)
        time.sleep(4)  # the watcher sees the same bad file again: no second alert
        assert len(receiver.messages) == 1

        # Remove Beta: it stops being polled; a new posting at Alpha still alerts.
        config.write_text(watchlist(boards, port, ALPHA, interval="1s"), encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        time.sleep(2)
        beta = boards.hits["/v1/boards/beta/jobs"]
        boards.set("/v1/boards/alpha/jobs", jobs(1, 2))
        messages = receiver.wait_for(2)
        assert "Role 2" in messages[1]["message"]
        assert boards.hits["/v1/boards/beta/jobs"] == beta
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=20)
    assert daemon.returncode == 0, stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any("now watching Beta" in r["message"] for r in records)
    assert any("stopped watching Beta" in r["message"] for r in records)
    assert SECRET not in stderr
    # The daemon is gone: its heartbeat ages, and health says so.
    time.sleep(1.5)
    done = subprocess.run(
        [*cli, "health", "--max-age", "1s", *base], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "unhealthy: last heartbeat" in done.stdout
