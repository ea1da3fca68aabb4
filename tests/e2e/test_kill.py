"""A daemon killed with SIGKILL in the middle of a poll, and a notifier that
fails for a while: every alert still arrives, once. Real CLI processes, real
boards on 127.0.0.1, a real Apprise json:// receiver, both backends."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer, Receiver

pytestmark = pytest.mark.e2e

COMPANIES = 5


def board(*ids: int) -> dict[str, Any]:
    return {
        "jobs": [
            {"id": i, "title": f"Role {i}", "absolute_url": f"https://jobs.test/{i}"} for i in ids
        ]
    }


def received(receiver: Receiver) -> Counter[tuple[str, str]]:
    """(company, role) of every alert in the messages so far."""
    seen: Counter[tuple[str, str]] = Counter()
    for message in list(receiver.messages):
        company = message["title"].split(":", 1)[0]
        for role in re.findall(r"Role \d+", message["message"]):
            seen[(company, role)] += 1
    return seen


def test_sigkill_mid_poll_and_a_notifier_outage_lose_nothing_and_repeat_nothing(
    tmp_path: Path, boards: BoardServer, receiver: Receiver, database: str
) -> None:
    ids = {n: [1, 2] for n in range(COMPANIES)}

    def serve(delay: float = 0.0) -> None:
        for n, listed in ids.items():
            etag = f'"{n}-{"-".join(map(str, listed))}"'
            boards.set(f"/v1/boards/co{n}/jobs", board(*listed), etag=etag, delay=delay)

    config = tmp_path / "watchlist.toml"
    config.write_text(
        f'[settings]\ninterval = "1s"\njitter = "0s"\ntimeout = "5s"\ndatabase = "{database}"\n\n'
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n\n'
        f'[notify]\nurls = ["{receiver.url}"]\nconsole = false\nretry_min = "1s"\n\n'
        + "".join(
            f'[[company]]\nname = "Co{n}"\ngreenhouse = "co{n}"\n\n' for n in range(COMPANIES)
        ),
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "secondchance"]
    options = ["--config", str(config), "--data-dir", str(tmp_path / "data")]
    log = (tmp_path / "daemon.log").open("w")

    def daemon() -> subprocess.Popen[bytes]:
        return subprocess.Popen([*command, "run", *options], stdout=log, stderr=log, env=os.environ)

    serve()
    baseline = subprocess.run([*command, "once", *options], capture_output=True, timeout=60)
    assert baseline.returncode == 0, baseline.stderr
    expected: set[tuple[str, str]] = set()

    for round_ in (1, 2):
        for n in range(COMPANIES):
            ids[n].append(100 * round_ + n)
            expected.add((f"Co{n}", f"Role {100 * round_ + n}"))
        # Slow boards: the kill lands while the poll's requests are in flight.
        serve(delay=0.3)
        outage = round_ == 2
        if outage:
            receiver.fail_with = 503  # the notifier is down: every delivery fails
        tried = receiver.attempts
        asked = sum(boards.hits.values())
        first = daemon()
        deadline = time.monotonic() + 30
        while sum(boards.hits.values()) == asked and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sum(boards.hits.values()) > asked, "the daemon never started polling"
        time.sleep(0.1 * round_)  # mid-fetch, then later in the poll
        first.send_signal(signal.SIGKILL)
        first.wait(10)

        second = daemon()
        try:
            if outage:
                deadline = time.monotonic() + 30
                while receiver.attempts == tried and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert receiver.attempts > tried, "no delivery was tried during the outage"
                assert not received(receiver).keys() - expected
                receiver.fail_with = None
            deadline = time.monotonic() + 40
            while not expected <= set(received(receiver)) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.5)  # room for a duplicate to show up
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(30) == 0

        seen = received(receiver)
        assert set(seen) == expected, f"round {round_}: missing {expected - set(seen)}"
        assert [key for key, count in seen.items() if count > 1] == [], f"round {round_}"
    log.close()
    assert "Traceback" not in (tmp_path / "daemon.log").read_text()
