"""The daemon records the watchlist's loads in the database (`meta`), for the
dashboard that may run in another process: a reload taken, an edit rejected with its
problems masked as the log lines are."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import SQLAlchemyError

from secondchance import logs
from secondchance.config import load
from secondchance.daemon.app import App
from secondchance.daemon.scheduler import Daemon
from secondchance.storage import StorageError, heartbeat, queries
from secondchance.storage.database import open_existing, open_store

SECRET = "hook-secret-4711"
WATCHLIST = """
[notify]
urls = ["json://127.0.0.1:9/${SC_TEST_HOOK}"]

[[company]]
name = "Acme"
greenhouse = "acme"
"""


async def test_a_reload_taken_and_an_edit_rejected_are_recorded_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SC_TEST_HOOK", SECRET)
    path = tmp_path / "watchlist.toml"
    path.write_text(WATCHLIST, encoding="utf-8")
    config = load(path)
    logs.setup_secrets(config.secrets)  # as the command does at start
    daemon = Daemon(App.open(config, tmp_path / "data", console=None))
    try:
        path.write_text(WATCHLIST + '\n[[company]]\nname = "Globex"\nlever = "globex"\n')
        assert await daemon.reload()
        taken = await daemon.app.store.read(heartbeat.last_reload)
        # The edit quotes the secret's value where a duration belongs.
        path.write_text(f'[settings]\ninterval = "{SECRET}"\n' + WATCHLIST, encoding="utf-8")
        assert not await daemon.reload()
        rejected = await daemon.app.store.read(heartbeat.last_reload)
        # The alert the channels are sent carries the problems masked as well.
        (told,) = [
            alert
            for alert in await daemon.app.store.read(queries.alert_records, "secondchance")
            if alert.alert.kind == "config_rejected"
        ]
    finally:
        await daemon.app.aclose()
    assert taken is not None and taken.taken and not taken.start and not taken.problems
    assert rejected is not None and not rejected.taken
    assert rejected.loaded_at == taken.loaded_at
    (problem,) = rejected.problems
    assert "settings.interval" in problem and "duration" in problem
    assert SECRET not in problem
    assert "settings.interval" in (told.alert.detail or "")
    assert SECRET not in (told.alert.detail or "")


def test_a_rejection_keeps_when_the_running_watchlist_was_loaded(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    start = datetime(2026, 12, 6, 14, 2, tzinfo=UTC)
    later = datetime(2026, 12, 6, 14, 5, tzinfo=UTC)
    try:
        assert store.read_now(heartbeat.last_reload) is None
        store.write_now(heartbeat.record_load, start, start=True)
        store.write_now(heartbeat.record_rejected, later, ["a problem", "another"])
        found = store.read_now(heartbeat.last_reload)
    finally:
        store.dispose()
    assert found == heartbeat.Reload(later, False, True, start, ("a problem", "another"))


def test_a_running_daemon_records_its_start(tmp_path: Path) -> None:
    (tmp_path / "w.toml").write_text("", encoding="utf-8")
    data = tmp_path / "data"
    command = [sys.executable, "-m", "secondchance", "run", "--config", str(tmp_path / "w.toml")]
    process = subprocess.Popen(
        [*command, "--data-dir", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    found = None
    try:
        deadline = time.monotonic() + 60
        while found is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            if (data / "secondchance.db").exists():
                try:
                    # Until the daemon has made the schema: no tables, or not all.
                    store = open_existing(f"sqlite:///{data / 'secondchance.db'}", live=True)
                except StorageError:
                    continue
                try:
                    found = store.read_now(heartbeat.last_reload)
                except SQLAlchemyError:
                    pass
                finally:
                    store.dispose()
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert found is not None, err.decode()
    assert found.taken and found.start and found.loaded_at == found.at
