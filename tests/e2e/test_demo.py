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
        "Contoso: a new role",
        "Fabrikam: a role closed",
        "Fabrikam: a role reopened",
        "⭐ Northwind: the role you interviewed for is back",
    ):
        assert title in out, out
    assert out.index("Contoso: a new role") < out.index("Fabrikam: a role closed")
    assert out.index("Fabrikam: a role closed") < out.index("Fabrikam: a role reopened")
    assert "Next: write to Dana Lee (recruiter):" in out
    # Nothing else: no duplicates, no alert about old postings.
    assert out.count("── ") == 4, out
    assert "Traceback" not in done.stderr
