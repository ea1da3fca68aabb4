"""glibc's thresholds are set for the daemon's large bodies, unless the user set
their own; elsewhere (musl, macOS) nothing happens and nothing fails."""

from __future__ import annotations

import subprocess
import sys

import pytest

from secondchance.daemon import allocator

GLIBC = allocator._MALLOPT is not None and allocator._MALLOC_TRIM is not None


def _tune(env: dict[str, str]) -> str:
    # A process of its own: mallopt changes the allocator for good.
    code = "from secondchance.daemon import allocator; print(allocator.tune())"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.skipif(not GLIBC, reason="glibc only: mallopt and malloc_trim")
def test_the_thresholds_are_set_on_glibc() -> None:
    assert _tune({}) == "True"


@pytest.mark.skipif(not GLIBC, reason="glibc only: mallopt and malloc_trim")
@pytest.mark.parametrize(
    "setting",
    [
        {"MALLOC_MMAP_THRESHOLD_": "131072"},
        {"MALLOC_TRIM_THRESHOLD_": "0"},
        {"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=131072"},
    ],
)
def test_the_users_own_glibc_setting_wins(setting: dict[str, str]) -> None:
    assert _tune(setting) == "False"


def test_without_glibc_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "_MALLOPT", None)
    monkeypatch.setattr(allocator, "_MALLOC_TRIM", None)
    assert allocator.tune() is False
    allocator.release()  # no error either
