"""The command line, in-process: exit codes, output channels, error lines."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import BoardServer, Receiver
from secondchance.cli import main

GH = "/v1/boards/acme/jobs"


def jobs(*ids: int) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "id": i,
                "title": f"Role {i}",
                "absolute_url": f"https://example.test/{i}",
                "location": {"name": "Remote"},
            }
            for i in ids
        ]
    }


@pytest.fixture
def watchlist(tmp_path: Path, boards: BoardServer) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        f"""
[settings.endpoints]
greenhouse = "{boards.url}"

[[company]]
name = "Acme"
greenhouse = "acme"

[[company]]
name = "Ghost"
greenhouse = "ghost"
enabled = false
""",
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_reports_ok(watchlist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--config", str(watchlist))
    assert code == 0
    assert "OK: 2 companies, 2 boards" in out


def test_check_reports_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[settings]\nintervall = "5m"\n\n[[company]]\nname = "A"\ngreenhouse = 7\n')
    code, out, err = run(capsys, "check", "--config", str(path))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"secondchance: {path}:2: settings.intervall: unknown key",
        f"secondchance: {path}:6: company[0].greenhouse: expected a board token string",
    ]
    assert "Traceback" not in err


def test_config_comes_from_the_environment(
    watchlist: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECONDCHANCE_CONFIG", str(watchlist))
    assert run(capsys, "check")[0] == 0
    monkeypatch.setenv("SECONDCHANCE_CONFIG", str(watchlist.parent / "missing.toml"))
    code, _, err = run(capsys, "check")
    assert code == 2
    assert "missing.toml: file not found" in err


def test_once_prints_alerts_in_the_terminal_without_urls(
    watchlist: Path, tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["once", "--config", str(watchlist), "--data-dir", str(tmp_path / "d")]
    boards.set(GH, jobs(1))
    code, out, err = run(capsys, *args)
    assert (code, out) == (0, "")
    assert "first poll, 1 open posting recorded" in err
    boards.set(GH, jobs(1, 2))
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "Acme: a new role" in out
    assert "Role 2" in out and "https://example.test/2" in out
    # Printed once: the terminal is a delivery channel like any other.
    assert run(capsys, *args)[1] == ""


def test_once_json_and_exit_codes(
    watchlist: Path, tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["once", "--json", "--config", str(watchlist), "--data-dir", str(tmp_path / "d")]
    boards.set(GH, jobs(1))
    assert run(capsys, *args)[:2] == (0, "")
    boards.set(GH, jobs(1, 2))
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert [json.loads(line)["posting_id"] for line in out.splitlines()] == ["2"]
    boards.set(GH, status=502, body=b"bad gateway")
    code, out, err = run(capsys, *args)
    assert (code, out) == (1, "")
    assert "WARNING Acme greenhouse:acme: poll failed: server error (HTTP 502)" in err
    assert err.splitlines()[-1] == "secondchance: 1 board: 1 failed · 0 alerts queued, 0 sent"
    code, _, err = run(capsys, *args, "--company", "Nobody")
    assert code == 2
    assert "no company named 'Nobody'" in err


def test_status_shows_each_board(
    watchlist: Path, tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--config", str(watchlist), "--data-dir", str(tmp_path / "d")]
    code, out, err = run(capsys, "status", *data)
    # Nothing created for a data directory the daemon never used (a typo, say).
    assert code == 1 and out == "" and not (tmp_path / "d").exists()
    assert err == (
        f"secondchance: no database at {tmp_path / 'd' / 'secondchance.db'}: has the daemon run "
        "with this data directory? (--data-dir, $SECONDCHANCE_DATA or [settings] database)\n"
    )
    boards.set(GH, jobs(1, 2, 3))
    run(capsys, "once", *data)
    code, out, _ = run(capsys, "status", "--json", *data)
    assert code == 0
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["company"] == "Acme"
    assert row["source"] == {"kind": "greenhouse", "board": "acme"}
    assert row["result"] == "ok"
    assert row["open_postings"] == 3
    assert row["consecutive_failures"] == 0
    assert row["pending_alerts"] == 0
    code, out, _ = run(capsys, "status", *data)
    # Not a terminal: a header and one tab-separated line per board.
    header, line = out.splitlines()
    assert header.split("\t") == [
        "company",
        "board",
        "last poll",
        "result",
        "open",
        "failures",
        "pending",
    ]
    assert line.split("\t")[:2] == ["Acme", "greenhouse:acme"]
    assert line.split("\t")[3:] == ["ok", "3", "0", "0"]


def test_peek_shows_postings_and_stores_nothing(
    watchlist: Path, tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    boards.set(GH, jobs(1, 2))
    data = ["--config", str(watchlist), "--data-dir", str(tmp_path / "d")]
    code, out, _ = run(capsys, "peek", "--company", "acme", "--json", *data)
    assert code == 0
    assert [json.loads(line)["title"] for line in out.splitlines()] == ["Role 1", "Role 2"]
    assert not (tmp_path / "d").exists()
    code, out, _ = run(capsys, "peek", "--company", "Acme", *data)
    assert code == 0 and "Role 2" in out
    code, _, err = run(capsys, "peek", "--company", "Ghost", *data)
    assert code == 1
    assert "greenhouse board 'ghost' not found (HTTP 404)" in err
    code, out, _ = run(capsys, "peek", "--company", "Ghost", "--json", *data)
    assert code == 1
    (failed,) = [json.loads(line) for line in out.splitlines()]
    assert failed["source"] == {"kind": "greenhouse", "board": "ghost"}
    assert "not found (HTTP 404)" in failed["error"]
    code, _, err = run(capsys, "peek", "--company", "Nope", *data)
    assert code == 2 and "known: Acme, Ghost" in err


def test_secrets_never_reach_the_logs(
    tmp_path: Path,
    boards: BoardServer,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret_url = f"{receiver.url}/s3cr3t-t0ken-value?x=1"
    monkeypatch.setenv("SC_TEST_HOOK", secret_url)
    path = tmp_path / "w.toml"
    path.write_text(
        f"""
[settings.endpoints]
greenhouse = "{boards.url}"
[notify]
urls = ["${{SC_TEST_HOOK}}"]
[[company]]
name = "Acme"
greenhouse = "acme"
""",
        encoding="utf-8",
    )
    args = ["once", "--log-level", "DEBUG", "--config", str(path), "--data-dir", str(tmp_path)]
    boards.set(GH, jobs(1))
    run(capsys, *args)
    receiver.stop()  # delivery fails: the error path must not leak the URL either
    boards.set(GH, jobs(1, 2))
    code, out, err = run(capsys, *args)
    assert code == 0
    assert "1 not delivered yet (kept for the next try)" in err.splitlines()[-1]
    assert "s3cr3t-t0ken-value" not in err + out
    assert secret_url not in err + out


def test_discover_offline_recognises_a_board_url(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://acme.wd5.myworkdayjobs.com/en-US/External/job/Berlin/Engineer_R1"
    code, out, _ = run(capsys, "discover", "--offline", url)
    assert code == 0
    assert 'workday = { tenant = "acme", wd = 5, site = "External" }' in out
    assert '[[company]]\nname = "Acme"\nworkday = ' in out
    code, _, err = run(capsys, "discover", "--offline", "https://example.com/about")
    assert code == 1
    assert "no job board found" in err


def test_discover_finds_an_embedded_board_and_adds_it(
    watchlist: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    boards.set(
        "/careers",
        '<html><body><div id="grnhse_app"></div><script '
        'src="https://boards.greenhouse.io/embed/job_board/js?for=initech"></script></body></html>',
        content_type="text/html",
    )
    boards.set("/v1/boards/initech/jobs", jobs(1, 2, 3))
    before = watchlist.read_text()
    code, out, _ = run(
        capsys, "discover", f"{boards.url}/careers", "--config", str(watchlist), "--add", "Initech"
    )
    assert code == 0, out
    assert 'greenhouse = "initech"' in out and "3 open postings" in out
    after = watchlist.read_text()
    assert after.startswith(before)
    assert 'name = "Initech"\ngreenhouse = "initech"' in after
    code, out, _ = run(capsys, "check", "--config", str(watchlist))
    assert code == 0 and "3 companies" in out


def test_the_example_watchlist_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    # `make run` starts the daemon on it: it must always pass `check`.
    example = Path(__file__).parents[2] / "config.example.toml"
    code, out, err = run(capsys, "check", "--config", str(example))
    assert (code, err) == (0, "")
    assert "OK: 4 companies" in out


def test_health_exit_codes(
    watchlist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from secondchance.config import load
    from secondchance.daemon.app import store_for
    from secondchance.storage import heartbeat

    data = ["--config", str(watchlist), "--data-dir", str(tmp_path / "d")]
    code, out, _ = run(capsys, "health", *data)
    assert code == 1 and out.startswith("unhealthy: no database at ")
    assert not (tmp_path / "d").exists()  # health creates nothing
    store = store_for(load(watchlist), tmp_path / "d")
    code, out, _ = run(capsys, "health", *data)
    assert code == 1 and "no heartbeat yet" in out
    store.write_now(heartbeat.beat, datetime.now(UTC))
    store.dispose()
    code, out, _ = run(capsys, "health", *data)
    assert code == 0 and out.startswith("ok: heartbeat")
    code, _, err = run(capsys, "health", "--max-age", "soon", *data)
    assert code == 2 and "--max-age" in err
    broken = tmp_path / "broken.toml"
    broken.write_text(
        watchlist.read_text() + '\n[settings]\ndatabase = "sqlite:////proc/nope/x.db"\n'
    )
    code, _, err = run(capsys, "health", "--config", str(broken))
    assert code != 0
    assert "Traceback" not in err


def test_a_watchlist_that_sends_alerts_nowhere_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.toml"
    path.write_text('[notify]\nconsole = false\n\n[[company]]\nname = "A"\ngreenhouse = "a"\n')
    code, _, err = run(capsys, "check", "--config", str(path))
    assert code == 2
    assert f"{path}:2: notify.console: false with no [notify] urls" in err


def test_alerts_to_a_pipe_or_journald_are_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    """Not a terminal: the exact characters, no styling, nothing rewritten."""
    from secondchance.cli.common import print_message
    from secondchance.delivery.render import Message

    print_message(
        Message(title="Acme: new role :rocket:", body="Data Engineer\n  Berlin", alert_ids=(1,))
    )
    print_message(Message(title="Globex: role back", body="Analyst", alert_ids=(2,)))

    assert capsys.readouterr().out == (
        "── Acme: new role :rocket: ──\nData Engineer\n  Berlin\n\n"
        "── Globex: role back ──\nAnalyst\n\n"
    )


def test_a_status_port_in_use_is_one_line_and_exit_1(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    path = tmp_path / "w.toml"
    path.write_text(f'[server]\nlisten = "127.0.0.1:{port}"\n')
    try:
        done = subprocess.run(
            [sys.executable, "-m", "secondchance", "run", "--config", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "SECONDCHANCE_DATA": str(tmp_path / "data")},
        )
    finally:
        taken.close()
    assert done.returncode == 1
    problems = [line for line in done.stderr.splitlines() if line.startswith("secondchance:")]
    assert problems == [
        f"secondchance: [server] listen: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert "Traceback" not in done.stderr


def test_once_ends_with_one_summary_line_and_says_each_failure_once(
    tmp_path: Path, boards: BoardServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.toml"
    path.write_text(
        f'[settings.endpoints]\ngreenhouse = "{boards.url}"\n'
        '[[company]]\nname = "Acme"\ngreenhouse = "acme"\n'
        '[[company]]\nname = "Initech"\ngreenhouse = "initech"\n'
        '[[company]]\nname = "Ghost"\ngreenhouse = "ghost"\n'
    )
    args = ["once", "--config", str(path), "--data-dir", str(tmp_path / "d")]
    boards.set(GH, jobs(1))
    boards.set("/v1/boards/initech/jobs", jobs(7))

    code, _, err = run(capsys, *args)
    assert code == 1  # ghost is not there
    lines = err.splitlines()
    assert lines[-1] == ("secondchance: 3 boards: 2 baseline, 1 failed · 0 alerts queued, 0 sent")
    # The failure is said once: its board's WARNING line, nothing else names it.
    assert [line for line in lines if "ghost" in line.lower()] == [
        line for line in lines if "WARNING" in line and "Ghost greenhouse:ghost" in line
    ]
    assert len([line for line in lines if "ghost" in line.lower()]) == 1

    boards.set(GH, jobs(1, 2))
    code, out, err = run(capsys, *args, "--json")
    assert code == 1
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["new"]
    assert err.splitlines()[-1] == (
        "secondchance: 3 boards: 1 unchanged, 1 changed, 1 failed · 1 alert queued, 1 sent"
    )
    # Unchanged polls have their line too.
    assert any("Initech greenhouse:initech: unchanged" in line for line in err.splitlines())
