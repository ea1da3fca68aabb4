"""`make demo` keeps working: the whole loop, offline, with every alert kind it promises."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_demo_shows_the_whole_loop() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "secondchance.cli.demo"],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "SECONDCHANCE_DEMO_INTERVAL": "1", "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "silent baseline" in out
    for title in (
        "Contoso: 1 new",
        "Fabrikam: 1 closed",
        "Fabrikam: 1 reopened",
        "Northwind: 1 role back",
    ):
        assert title in out, out
    assert out.index("Contoso: 1 new") < out.index("Fabrikam: 1 closed")
    assert out.index("Fabrikam: 1 closed") < out.index("Fabrikam: 1 reopened")
    assert "Contact: Dana Lee (recruiter)" in out
    # Nothing else: no duplicates, no alert about old postings.
    assert out.count("── ") == 4, out
    assert "Traceback" not in done.stderr
