"""Static checks of the deployment files (no Docker, hadolint or systemd needed).

`make deploy-check` (tests/check_deploy.py) runs the real tools; these catch the
regressions that matter most even where those tools are missing.
"""

from __future__ import annotations

import json
import re

import pytest

from check_deploy import (
    COMPOSE,
    DOCKERFILE,
    DOCKERIGNORE,
    ROOT,
    UNIT,
    dockerfile_instructions,
    dockerignored,
    unit_settings,
)
from secondchance.cli import parser

SHUTDOWN_TIMEOUT = 8.0  # settings.shutdown_timeout's default


@pytest.fixture(scope="module")
def dockerfile() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for keyword, args in dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8")):
        out.setdefault(keyword, []).append(args)
    return out


@pytest.fixture(scope="module")
def unit() -> dict[str, list[str]]:
    return unit_settings(UNIT.read_text(encoding="utf-8"))


def _last(unit: dict[str, list[str]], key: str) -> str:
    assert key in unit, f"{UNIT.name} has no {key}="
    return unit[key][-1]


# --- Dockerfile ------------------------------------------------------------------------


def test_single_pinned_python_base(dockerfile: dict[str, list[str]]) -> None:
    assert len(dockerfile["FROM"]) == 1
    assert re.fullmatch(r"python:3\.12-slim-\w+", dockerfile["FROM"][0])


def test_entrypoint_is_exec_form_so_sigterm_reaches_python(
    dockerfile: dict[str, list[str]],
) -> None:
    assert json.loads(dockerfile["ENTRYPOINT"][-1]) == ["secondchance"]
    assert json.loads(dockerfile["CMD"][-1])[0] == "run"
    assert dockerfile["STOPSIGNAL"][-1] == "SIGTERM"


def test_runs_as_numeric_non_root_user(dockerfile: dict[str, list[str]]) -> None:
    user = dockerfile["USER"][-1]
    assert re.fullmatch(r"\d+(:\d+)?", user), f"USER {user} should be numeric"
    assert all(int(part) != 0 for part in user.split(":"))
    assert any("--uid 10001" in run for run in dockerfile["RUN"])


def test_data_volume_and_environment(dockerfile: dict[str, list[str]]) -> None:
    assert "/data" in dockerfile["VOLUME"][-1].split() or dockerfile["VOLUME"][-1] == '["/data"]'
    env = " ".join(dockerfile["ENV"])
    for setting in (
        "SECONDCHANCE_DATA=/data",
        "SECONDCHANCE_CONFIG=/config/watchlist.toml",
        "PYTHONUNBUFFERED=1",
    ):
        assert setting in env


def test_healthcheck_calls_secondchance_health(dockerfile: dict[str, list[str]]) -> None:
    check = dockerfile["HEALTHCHECK"][-1]
    command = json.loads(check.split(" CMD ", 1)[1])
    assert command == ["secondchance", "health"]


def test_installs_with_the_pinned_constraints(dockerfile: dict[str, list[str]]) -> None:
    installs = [run for run in dockerfile["RUN"] if "pip install" in run]
    assert installs
    assert all("-c constraints.txt" in run and "--no-cache-dir" in run for run in installs)
    assert not any("apt-get" in run for run in dockerfile["RUN"])


def test_the_healthcheck_command_exists() -> None:
    # The image's HEALTHCHECK and the compose healthcheck run it.
    assert parser().parse_args(["health"]).command == "health"


def test_dockerignore_keeps_the_build_inputs_and_drops_the_rest() -> None:
    ignore = DOCKERIGNORE.read_text(encoding="utf-8")
    for needed in (
        "pyproject.toml",
        "constraints.txt",
        "README.md",
        "src/secondchance/cli/__init__.py",
    ):
        assert not dockerignored(needed, ignore), needed
    for left_out in (
        ".venv/bin/python",
        ".git/config",
        "tests/test_cli.py",
        "secondchance.db",
        "src/secondchance/cli/__pycache__/common.cpython-312.pyc",
        "deploy/secondchance.env",
    ):
        assert dockerignored(left_out, ignore), left_out


@pytest.mark.parametrize(
    ("path", "patterns", "ignored"),
    [
        ("a/b/c.py", "a", True),
        ("a/b/c.py", "a\n!a/b", False),
        ("a/b/c.pyc", "**/*.pyc", True),
        ("c.pyc", "**/*.pyc", True),
        ("src/x.py", "*\n!src/", False),
        ("src/x.db", "*\n!src/\n**/*.db", True),
        ("README.md", "# *\n", False),
    ],
)
def test_dockerignore_matching(path: str, patterns: str, ignored: bool) -> None:
    assert dockerignored(path, patterns) is ignored


# --- systemd unit ------------------------------------------------------------------------


def test_unit_is_notify_with_watchdog(unit: dict[str, list[str]]) -> None:
    assert _last(unit, "Service.Type") == "notify"
    assert _last(unit, "Service.NotifyAccess") == "main"
    assert int(_last(unit, "Service.WatchdogSec")) > 0


def test_unit_runs_as_a_dynamic_user(unit: dict[str, list[str]]) -> None:
    assert _last(unit, "Service.DynamicUser") == "yes"
    assert _last(unit, "Service.StateDirectory") == "secondchance"
    assert "--data-dir %S/secondchance" in _last(unit, "Service.ExecStart")


def test_unit_gives_the_drain_time_to_finish(unit: dict[str, list[str]]) -> None:
    assert float(_last(unit, "Service.TimeoutStopSec")) > SHUTDOWN_TIMEOUT
    assert _last(unit, "Service.Restart") == "on-failure"


def test_unit_reload_sends_sighup(unit: dict[str, list[str]]) -> None:
    assert _last(unit, "Service.ExecReload") == "/bin/kill -HUP $MAINPID"


def test_unit_keeps_its_core_sandbox(unit: dict[str, list[str]]) -> None:
    for key, value in {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "SystemCallArchitectures": "native",
    }.items():
        assert _last(unit, f"Service.{key}") == value, key
    assert "Service.IPAddressDeny" not in unit  # it must reach the job boards


# --- docker compose ----------------------------------------------------------------------


def test_compose_mounts_the_watchlist_read_only() -> None:
    yaml = pytest.importorskip("yaml")
    service = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]["secondchance"]
    assert "./watchlist.toml:/config/watchlist.toml:ro" in service["volumes"]
    assert "secondchance-data:/data" in service["volumes"]
    assert service["read_only"] is True
    assert service["cap_drop"] == ["ALL"]
    assert (COMPOSE.parent / service["build"]["context"]).resolve() == ROOT
