"""Writing a watchlist for a test, and reading back the problems ``load`` finds in it.

One copy for every test of tests/config. Imported as ``from watchlists import ...``:
pytest (in its default "prepend" import mode) puts the directory of a test module
that is not in a package (tests/ has no ``__init__.py``) first on ``sys.path``
before importing it, so tests/config/ is there for the tests of this directory.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from secondchance.config import ConfigError, load


def write(tmp_path: Path, text: str, name: str = "watchlist.toml") -> Path:
    """``text``, dedented, as the file ``name`` in ``tmp_path``."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def minimal(extra: str = "") -> str:
    """``extra`` followed by the one company a watchlist needs to be valid."""
    return (
        textwrap.dedent(extra).lstrip("\n") + '\n[[company]]\nname = "Acme"\ngreenhouse = "acme"\n'
    )


def line_of(path: Path, needle: str, occurrence: int | None = None) -> int:
    """1-based number of the line of ``path`` containing ``needle``: the only such
    line, or with ``occurrence`` the ``occurrence``-th of them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if needle in line]
    if occurrence is None:
        assert len(hits) == 1, f"{needle!r} should occur on exactly one line, found {hits}"
        return hits[0]
    assert occurrence >= 1, occurrence
    assert len(hits) >= occurrence, f"{needle!r} occurs on {len(hits)} line(s): {hits}"
    return hits[occurrence - 1]


def problems_of(path: Path) -> list[str]:
    """The problem lines of the ConfigError ``load(path)`` must raise."""
    with pytest.raises(ConfigError) as info:
        load(path)
    assert info.value.path == path
    assert info.value.problems, "a ConfigError without a problem"
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def only_problem(path: Path) -> str:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


def assert_problem(problem: str, path: Path, line: int, key: str, fragment: str) -> None:
    """``problem`` is ``{path}:{line}: {key}: ...`` with ``fragment`` in its message."""
    prefix = f"{path}:{line}: {key}: "
    assert problem.startswith(prefix), f"{problem!r} should start with {prefix!r}"
    assert fragment, "an empty fragment is in every message"
    assert fragment in problem[len(prefix) :], f"{fragment!r} not in {problem!r}"
