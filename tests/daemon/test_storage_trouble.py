"""A database that stops taking writes (a full disk here, through SQLite's own
max_page_count) fails polls cleanly: one ERROR line without a traceback, not
one per company per cycle; the snapshot is untouched; and once writes work
again the next poll stores everything, with no alert lost or doubled."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from conftest import BoardServer, rows
from secondchance.config import load
from secondchance.daemon.app import App
from secondchance.daemon.scheduler import Daemon
from secondchance.storage.schema import alerts, postings

GH_PATH = "/v1/boards/acme/jobs"


def _board(*ids: int) -> dict[str, Any]:
    return {"jobs": [{"id": i, "title": f"Role {i}"} for i in ids]}


def _watchlist(tmp_path: Path, boards: BoardServer | None = None) -> Path:
    path = tmp_path / "watchlist.toml"
    endpoints = f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n\n' if boards else ""
    path.write_text(endpoints + '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n')
    return path


def _app(tmp_path: Path, boards: BoardServer | None = None) -> App:
    return App.open(load(_watchlist(tmp_path, boards)), tmp_path / "data", console=print)


@contextlib.asynccontextmanager
async def _daemon(tmp_path: Path, boards: BoardServer | None = None) -> AsyncIterator[Daemon]:
    daemon = Daemon(_app(tmp_path, boards))
    try:
        yield daemon
    finally:
        await daemon.app.aclose()


def _full(dbapi_connection: Any, _record: Any) -> None:
    # The file may not grow past its current size: SQLite answers SQLITE_FULL,
    # "database or disk is full", as on a full disk.
    pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
    dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")


async def test_a_full_disk_fails_polls_once_in_the_log_and_loses_nothing(
    tmp_path: Path, boards: BoardServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with _daemon(tmp_path, boards) as daemon:
        app = daemon.app
        engine = app.store.engine
        boards.set(GH_PATH, _board(1, 2))
        await daemon.poll_job("Acme")  # the baseline
        boards.set(GH_PATH, _board(*range(1, 400)))  # enough new rows to need pages

        engine.dispose()
        event.listen(engine, "connect", _full)
        caplog.set_level(logging.DEBUG, logger="secondchance")
        for _ in range(3):
            await daemon.poll_job("Acme")
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1, [r.getMessage() for r in errors]
        assert "database or disk is full" in errors[0].getMessage()
        assert "could not be stored, so nothing changed" in errors[0].getMessage()
        assert errors[0].exc_info is None and "Traceback" not in caplog.text
        assert len(rows(app.store, postings)) == 2
        assert rows(app.store, alerts) == []

        event.remove(engine, "connect", _full)
        engine.dispose()
        caplog.clear()
        await daemon.poll_job("Acme")
        assert "the database takes writes again (Acme polled)" in caplog.text
        assert daemon.storage_error is None
        assert len(rows(app.store, postings)) == 399
        assert [alert["kind"] for alert in rows(app.store, alerts)] == ["new"] * 397


def test_once_says_in_one_line_that_the_poll_could_not_be_stored(
    tmp_path: Path,
    boards: BoardServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from secondchance import cli
    from secondchance.storage import database

    path = _watchlist(tmp_path, boards)
    command = ["once", "--config", str(path), "--data-dir", str(tmp_path / "data")]
    boards.set(GH_PATH, _board(1, 2))
    assert cli.main(command) == 0
    boards.set(GH_PATH, _board(*range(1, 400)))

    real = database.make_engine

    def full_engine(url: str) -> Any:
        engine = real(url)
        event.listen(engine, "connect", _full)
        return engine

    monkeypatch.setattr(database, "make_engine", full_engine)
    capsys.readouterr()
    assert cli.main(command) == 1
    err = capsys.readouterr().err
    assert "the poll could not be stored, so nothing changed" in err
    assert "database or disk is full" in err
    assert "Traceback" not in err


async def test_a_drain_that_cannot_reach_the_outbox_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with _daemon(tmp_path) as daemon:
        app = daemon.app
        # A database that lost its outbox table stands for any database error.
        with app.store.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE deliveries")
        caplog.set_level(logging.DEBUG, logger="secondchance")
        for _ in range(3):
            await daemon.delivery_job()
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        messages = [r.getMessage() for r in errors]
        assert len(errors) == 1, messages
        assert "delivery: the outbox could not be read or updated" in messages[0]
        assert "no such table: deliveries" in messages[0]
        assert "Traceback" not in caplog.text


async def test_a_heartbeat_that_cannot_be_written_is_said_once_and_its_return_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with _daemon(tmp_path) as daemon:
        app = daemon.app
        with app.store.engine.begin() as connection:
            schema = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'meta'"
            ).scalar_one()
            connection.exec_driver_sql("DROP TABLE meta")
        caplog.set_level(logging.INFO, logger="secondchance")
        for _ in range(3):  # the delivery job beats every 10 s
            await daemon.beat()
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        reason = "(sqlite3.OperationalError) no such table: meta"
        assert errors == [f"cannot write the heartbeat: {reason}"]
        assert daemon.healthy() == (False, errors[0])
        with app.store.engine.begin() as connection:
            connection.exec_driver_sql(schema)
        await daemon.beat()
        assert "the heartbeat is written again" in caplog.text
        assert daemon.healthy()[0]


def test_a_database_that_cannot_be_written_is_one_line_from_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from secondchance import cli
    from secondchance.storage import database

    path = _watchlist(tmp_path)
    real = database.make_engine

    def read_only_engine(url: str) -> Any:
        engine = real(url)
        # SQLite's own read-only mode, as for a file the daemon may not write.
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA query_only = ON"))
        return engine

    _app(tmp_path).store.dispose()  # the database exists, migrated
    capsys.readouterr()  # its "created a new database" line
    monkeypatch.setattr(database, "make_engine", read_only_engine)
    data = ["--config", str(path), "--data-dir", str(tmp_path / "data")]
    assert cli.main(["once", *data]) == 1
    err = capsys.readouterr().err
    assert err.startswith("secondchance: cannot open the database sqlite:///"), err
    assert err.endswith(": (sqlite3.OperationalError) attempt to write a readonly database\n")
    assert err.count("\n") == 1, err  # no SQL, no link
    assert cli.main(["health", *data]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"unhealthy: cannot open the database {tmp_path / 'data'}"), out
    assert out.endswith(": (sqlite3.OperationalError) attempt to write a readonly database\n")
    # The reports only read, so a database the daemon cannot write still answers them.
    assert cli.main(["status", *data]) == 0
