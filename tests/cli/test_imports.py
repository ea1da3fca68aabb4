"""Each command imports what it uses: the fixed cost of every process.

Every check runs a command in a fresh interpreter and looks at sys.modules
afterwards. The heavy packages are listed by what they cost (see issue 6):
a command that does not use one must not pay for it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = {
    "alembic",  # only when an existing database is behind the migrations
    "aiohttp",
    "apprise",  # only with [notify] urls
    "apscheduler",  # only `run`
    "httpx",
    "prometheus_client",  # only a daemon with a status server
    "pydantic",  # no longer a dependency: the watchlist is validated by msgspec
    "rich",
    "sqlalchemy",
    "click",  # httpx's CLI, which secondchance never runs
    "pygments",
    "selectolax",  # only watchlists with HTML (careers, jsonld) boards
}

WATCHLIST = """
[[company]]
name = "Acme"
greenhouse = "acme"
rejection = [{ role = "Data Analyst", date = 2026-01-02, reapply_after = "6m" }]
"""


def imported(argv: list[str], cwd: Path, status: int = 0) -> set[str]:
    """The heavy top-level packages in sys.modules after ``secondchance argv``, which
    must have ended with ``status`` (a command that failed early imports little)."""
    program = textwrap.dedent(
        f"""
        import contextlib, io, json, sys
        from secondchance.cli import main

        with contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main({argv!r})
            except SystemExit as exc:  # --help
                code = exc.code
        loaded = {{name.split(".")[0] for name, module in sys.modules.items() if module}}
        print(json.dumps([code, sorted(loaded)]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=True,
    )
    code, loaded = json.loads(done.stdout.splitlines()[-1])
    assert code == status, (argv, done.stderr)
    return set(loaded) & HEAVY


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(WATCHLIST, encoding="utf-8")
    return path


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    assert imported(["--help"], tmp_path) == set()


def test_check_and_cooldowns_read_only_the_watchlist(watchlist: Path) -> None:
    config = ["--config", str(watchlist)]
    assert imported(["check", *config], watchlist.parent) == set()
    # Printed to a pipe: plain lines, so rich (a terminal's tables) is not imported.
    assert imported(["cooldowns", *config], watchlist.parent) == set()


def test_database_reports_need_no_http(watchlist: Path) -> None:
    from secondchance.storage.database import open_store

    data = ["--config", str(watchlist), "--data-dir", str(watchlist.parent / "data")]
    assert imported(["status", *data], watchlist.parent, 1) <= {"sqlalchemy"}  # no database
    open_store(f"sqlite:///{watchlist.parent / 'data' / 'secondchance.db'}").dispose()
    for argv, status in (
        (["status", *data], 0),
        (["history", "Acme", *data], 0),
        (["health", *data], 1),  # no daemon ever beat on this database
    ):
        assert imported(argv, watchlist.parent, status) <= {"sqlalchemy"}, argv


def test_once_on_a_new_database(tmp_path: Path) -> None:
    """No boards to poll, nothing to deliver: no scheduler, Apprise, metrics or Alembic."""
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    argv = ["once", "--config", str(empty), "--data-dir", str(tmp_path / "data")]
    assert imported(argv, tmp_path) == {"sqlalchemy", "httpx", "aiohttp"}


def test_metrics_are_off_until_the_status_server_enables_them(tmp_path: Path) -> None:
    program = textwrap.dedent(
        """
        import sys
        from secondchance import metrics

        metrics.POLLS.labels("greenhouse", "ok").inc()
        metrics.LAST_CYCLE.set(1.0)
        print("prometheus_client" in sys.modules)
        metrics.enable()
        metrics.POLLS.labels("greenhouse", "ok").inc()
        metrics.LAST_CYCLE.set(2.0)
        print(metrics.exposition().decode())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    first, _, exposition = done.stdout.partition("\n")
    assert first == "False"
    assert 'secondchance_polls_total{kind="greenhouse",result="ok"} 1.0' in exposition
    assert "secondchance_last_cycle_timestamp_seconds 2.0" in exposition


def test_import_of_a_csv_reads_no_html_and_fetches_nothing(tmp_path: Path) -> None:
    """A tracker's rows, their job links recognised offline: no HTTP client, no HTML
    parser, and (printed to a pipe, without a progress bar) no rich."""
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(
        "Company,Role,Status,Date\nAcme,Analyst,Rejected,2024-11-20\n", encoding="utf-8"
    )
    argv = ["import", "csv", str(tracker), "--config", str(tmp_path / "w.toml")]
    assert imported(argv, tmp_path) == set()
    assert imported([*argv, "--write"], tmp_path) == set()
