"""``secondchance web`` and ``run`` as a user starts them: the token rule before
listening, one line when the port is taken or the database is missing, /healthz
served against an existing database, a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondchance.storage.database import open_store


def secondchance(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secondchance", *args, "--config", str(tmp_path / "w.toml")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SECONDCHANCE_DATA": str(tmp_path / "data")},
    )


def lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("secondchance:")]


@pytest.fixture
def taken() -> Iterator[int]:
    """A port held open on every address: a command that tried to listen on it would
    fail with "Address already in use" (exit 1), so exit 2 proves it never tried."""
    held = socket.socket()
    held.bind(("0.0.0.0", 0))
    held.listen()
    try:
        yield int(held.getsockname()[1])
    finally:
        held.close()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "secondchance.db"
    open_store(f"sqlite:///{path}").dispose()
    return path


@pytest.mark.parametrize("command", ["check", "run", "web"])
def test_off_loopback_without_a_token_nothing_listens(
    tmp_path: Path, taken: int, database: Path, command: str
) -> None:
    (tmp_path / "w.toml").write_text(f'[server]\nlisten = "0.0.0.0:{taken}"\n')
    done = secondchance(tmp_path, command)
    assert done.returncode == 2
    assert lines(done.stderr) == [
        f"secondchance: {tmp_path / 'w.toml'}:2: server.listen: 0.0.0.0:{taken} is reachable "
        "from other machines: set [server] token (at least 32 characters) "
        "or listen on 127.0.0.1"
    ]
    assert "Traceback" not in done.stderr


def test_web_listen_off_loopback_without_a_token_exits_2(
    tmp_path: Path, taken: int, database: Path
) -> None:
    (tmp_path / "w.toml").write_text("")
    done = secondchance(tmp_path, "web", "--listen", f"0.0.0.0:{taken}")
    assert done.returncode == 2
    assert lines(done.stderr) == [
        f"secondchance: --listen: 0.0.0.0:{taken} is reachable from other machines: "
        "set [server] token (at least 32 characters) or listen on 127.0.0.1"
    ]


def test_web_on_a_taken_port_is_one_line(tmp_path: Path, taken: int, database: Path) -> None:
    (tmp_path / "w.toml").write_text("")
    done = secondchance(tmp_path, "web", "--listen", f"127.0.0.1:{taken}")
    assert done.returncode == 1
    assert lines(done.stderr) == [
        f"secondchance: [server] listen: cannot listen on 127.0.0.1:{taken}: Address already in use"
    ]
    assert "Traceback" not in done.stderr


def test_web_never_creates_a_database(tmp_path: Path) -> None:
    (tmp_path / "w.toml").write_text("")
    done = secondchance(tmp_path, "web", "--listen", "127.0.0.1:1")
    assert done.returncode == 1
    assert len(lines(done.stderr)) == 1
    assert "no database at" in done.stderr
    assert not (tmp_path / "data" / "secondchance.db").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_web_serves_healthz_on_an_existing_database_and_stops_cleanly(
    tmp_path: Path, database: Path
) -> None:
    port = _free_port()
    (tmp_path / "w.toml").write_text(f'[server]\nlisten = "127.0.0.1:{port}"\n')
    before = database.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "secondchance", "web", "--config", str(tmp_path / "w.toml")],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SECONDCHANCE_DATA": str(tmp_path / "data")},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert (r.status, r.read()) == (200, b"ok: serving the dashboard\n")
                    break
            except OSError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert database.read_bytes() == before  # read only: never migrated nor written


async def test_pages_read_a_live_read_only_store_of_their_own(
    tmp_path: Path, database: Path
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.exc import OperationalError

    from secondchance.cli.web import dashboard
    from secondchance.config import load
    from secondchance.storage import heartbeat
    from secondchance.web import keys

    (tmp_path / "w.toml").write_text("")
    # Opened with no daemon running (no -wal file): it must still see later writes.
    server = dashboard(
        load(tmp_path / "w.toml"), tmp_path / "data", lambda: (True, ""), "127.0.0.1:1"
    )
    reader = server.app[keys.READER]
    try:
        assert await reader.read(heartbeat.last) is None
        writer = open_store(f"sqlite:///{database}")
        at = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
        await writer.write(heartbeat.beat, at)
        assert await reader.read(heartbeat.last) == at
        writer.dispose()
        with pytest.raises(OperationalError, match="readonly"):
            await reader.write(heartbeat.beat, at)
    finally:
        reader.dispose()
