"""``[server]``: the token rule checked with the watchlist, the token masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondchance import logs
from secondchance.config import ConfigError, load
from secondchance.web.auth import hash_password

TOKEN = "a-token-of-thirty-two-characters-at-least"


def problems(tmp_path: Path, server: str) -> list[str]:
    path = tmp_path / "watchlist.toml"
    path.write_text(f"[server]\n{server}")
    try:
        load(path)
    except ConfigError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize("listen", ["0.0.0.0:9464", "[::]:9464", "192.0.2.7:80", "nas:9464"])
def test_off_loopback_a_token_is_required(tmp_path: Path, listen: str) -> None:
    found = problems(tmp_path, f'listen = "{listen}"\n')
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'watchlist.toml'}:2: server.listen: ")
    assert "set [server] token" in found[0]
    assert problems(tmp_path, f'listen = "{listen}"\ntoken = "{TOKEN}"\n') == []


@pytest.mark.parametrize("listen", ["127.0.0.1:9464", ":9464", "[::1]:9464", "localhost:1"])
def test_on_loopback_no_token_is_needed(tmp_path: Path, listen: str) -> None:
    assert problems(tmp_path, f'listen = "{listen}"\n') == []


def test_a_short_token_is_refused_and_a_password_hash_is_taken(tmp_path: Path) -> None:
    found = problems(tmp_path, 'listen = "0.0.0.0:9464"\ntoken = "hunter2hunter2"\n')
    assert len(found) == 1 and ":3: server.token: at least 32 characters" in found[0]
    hashed = hash_password("correct horse battery staple", iterations=1000)
    assert problems(tmp_path, f'listen = "0.0.0.0:9464"\ntoken = "{hashed}"\n') == []


def test_metrics_behind_a_token_needs_one(tmp_path: Path) -> None:
    found = problems(tmp_path, 'metrics = "token"\n')
    assert len(found) == 1 and ":2: server.metrics: " in found[0]
    assert problems(tmp_path, 'metrics = "sometimes"\n') != []


def test_a_host_must_be_a_name_or_a_name_and_port(tmp_path: Path) -> None:
    assert problems(tmp_path, 'hosts = ["dash.example", "nas:8080", "[::1]:80"]\n') == []
    assert problems(tmp_path, 'hosts = ["http://dash.example/"]\n') != []


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logs.setup_secrets(())


def test_the_token_is_masked_in_logs_even_written_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(f'[server]\nlisten = "0.0.0.0:9464"\ntoken = "{TOKEN}"\n')
    config = load(path)
    assert TOKEN in config.secrets
    logs.setup("INFO", "text", config.secrets)
    logging.getLogger("secondchance.web").warning("someone sent %s", TOKEN)
    err = capsys.readouterr().err
    assert "someone sent ***" in err
    assert TOKEN not in err


def test_the_hash_helper_prints_a_hash_the_watchlist_takes(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "secondchance.web.auth"],
        input="correct horse battery staple\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    hashed = done.stdout.strip()
    assert hashed.startswith("pbkdf2_sha256$600000$")
    assert "correct horse" not in hashed
    assert problems(tmp_path, f'listen = "0.0.0.0:9464"\ntoken = "{hashed}"\n') == []
