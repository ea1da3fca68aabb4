"""`secondchance init`: a starter watchlist where the other commands look for it,
tried in-process and from a wheel in a fresh virtual environment with an empty home
directory, as `pipx install` leaves a new user."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from secondchance.cli import main
from secondchance.config import load
from secondchance.config.starter import example_text, starter_text

ROOT = Path(__file__).parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home directory, and no variable pointing anywhere else."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "SECONDCHANCE_CONFIG", "SECONDCHANCE_DATA"):
        monkeypatch.delenv(name, raising=False)
    return home


def test_init_writes_the_starter_to_the_user_config_directory(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    path = home / ".config" / "secondchance" / "watchlist.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it will hold notification URLs
    assert path.read_text() == starter_text(example_text())
    out = capsys.readouterr().out
    assert out.startswith(f"Wrote a starter watchlist to {path}")
    # The next three commands, with no --config: they will find the file by default.
    commands = [line.split("#")[0].strip() for line in out.splitlines() if "  secondchance" in line]
    assert commands == [
        "secondchance discover https://company.example/careers --add Company",
        "secondchance check",
        "secondchance once",
    ]
    assert main(["check"]) == 0
    assert "OK: 0 companies, 0 boards" in capsys.readouterr().out


def test_init_follows_xdg_config_home_then_secondchance_config_then_config(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert main(["init"]) == 0
    assert (tmp_path / "xdg" / "secondchance" / "watchlist.toml").is_file()
    monkeypatch.setenv("SECONDCHANCE_CONFIG", str(tmp_path / "env" / "w.toml"))
    assert main(["init"]) == 0
    assert (tmp_path / "env" / "w.toml").is_file()
    assert main(["init", "--config", str(tmp_path / "given" / "deep" / "w.toml")]) == 0
    assert (tmp_path / "given" / "deep" / "w.toml").is_file()


def test_init_never_overwrites(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("# my watchlist\n")
    assert main(["init", "--config", str(path)]) == 1
    assert path.read_text() == "# my watchlist\n"
    assert capsys.readouterr().err == f"secondchance: {path} already exists; left unchanged\n"


def test_init_says_the_next_commands_with_the_config_it_was_given(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "my lists" / "w.toml"
    assert main(["init", "--config", str(path)]) == 0
    assert f"secondchance check --config '{path}'" in capsys.readouterr().out


def test_the_starter_comments_out_every_company_and_keeps_the_settings() -> None:
    example = example_text()
    starter = starter_text(example)
    assert "[[company]]" in example and "\n[[company]]" not in starter
    assert "\n# [[company]]" in starter and '# name = "Anthropic"' in starter
    assert "\n[settings]\n" in starter and "\n[notify]\n" in starter
    # Uncommenting the companies gives the example's companies back.
    uncommented = starter.replace("\n# [[company", "\n[[company")
    assert "[[company]]\n# name" in uncommented


def test_the_repository_example_is_the_packaged_one() -> None:
    assert (ROOT / "config.example.toml").read_text() == example_text()


def test_the_example_and_the_starter_are_valid(tmp_path: Path) -> None:
    for name, text in (("example", example_text()), ("starter", starter_text(example_text()))):
        path = tmp_path / f"{name}.toml"
        path.write_text(text)
        config = load(path)
        assert len(config.companies) == (4 if name == "example" else 0)


def test_discover_add_creates_a_missing_watchlist(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new" / "w.toml"
    argv = ["discover", "https://boards.greenhouse.io/acme", "--offline", "--add", "Acme"]
    assert main([*argv, "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"wrote a starter watchlist to {path}" in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = load(path)
    assert [(c.name, c.boards[0].kind) for c in config.companies] == [("Acme", "greenhouse")]


def _wheel(tmp_path: Path) -> Path:
    out = tmp_path / "wheel"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)]
    done = subprocess.run(
        [*command, "--no-build-isolation"], capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:  # no setuptools here: let pip fetch the build backend
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("secondchance-*.whl")
    return wheel


@pytest.mark.e2e
def test_init_from_a_wheel_in_a_fresh_environment_with_an_empty_home(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )
    # The dependencies come from this test run's environment (pipx would download
    # them; the tests never touch the network). Only its site-packages is added:
    # this checkout's own editable install is not on that path.
    site = Path(sysconfig.get_paths()["purelib"])
    (Path(venv_site(python)) / "deps.pth").write_text(f"{site}\n")
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8"}
    where = subprocess.run(
        [python, "-c", "import secondchance; print(secondchance.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    program = venv / "bin" / "secondchance"
    done = subprocess.run(
        [program, "init"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    path = home / ".config" / "secondchance" / "watchlist.toml"
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert path.read_text() == starter_text(example_text())
    checked = subprocess.run(
        [program, "check"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{path}: OK: 0 companies")


def venv_site(python: Path) -> str:
    return subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
