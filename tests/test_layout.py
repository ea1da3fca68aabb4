"""The house rules of docs/ARCHITECTURE.md (invariant 12), checked on the source tree.

Packages are the stages of the flow and import only the stages before them; no module
imports itself back through another; no module reaches for another's private names;
no module outgrows a sitting; tests cite the architecture in this repository.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "secondchance"
# Each package may import itself, the ones before it, and the shared modules.
ORDER = (
    "core",
    "sources",
    "config",
    "fetch",
    "storage",
    "delivery",
    "daemon",
    "importers",
    "web",  # served by the daemon through cli (injected), and by `secondchance web`
    "cli",
    "__main__",  # `python -m secondchance`: the command line
)
SHARED = ("logs", "metrics")  # imported by any stage; they import nothing of ours
MAX_LINES = 400


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def imports(name: str, path: Path) -> Iterator[tuple[str, str | None, int]]:
    """(module imported, name taken from it or None, line) for every import of ours,
    in functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("secondchance"):
                    yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("secondchance"):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if find_spec_safe(submodule):
                    yield submodule, None, node.lineno
                else:
                    yield base, alias.name, node.lineno


def find_spec_safe(name: str) -> bool:
    try:
        return find_spec(name) is not None
    except (ModuleNotFoundError, ValueError):
        return False


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


ALL = list(modules())


def test_every_module_is_in_a_stage_or_shared() -> None:
    loose = [n for n, _ in ALL if stage(n) not in (*ORDER, *SHARED, "")]
    assert loose == []


@pytest.mark.parametrize(("name", "path"), ALL, ids=[n for n, _ in ALL])
def test_imports_run_one_way_along_the_flow(name: str, path: Path) -> None:
    mine = stage(name)
    wrong = []
    for module, _, line in imports(name, path):
        theirs = stage(module)
        if theirs in ("", *SHARED) or theirs == mine:
            continue
        if mine in SHARED or mine not in ORDER or ORDER.index(theirs) > ORDER.index(mine):
            wrong.append(f"line {line}: {module}")
    assert wrong == [], f"{name} ({mine}) imports a later stage"


@pytest.mark.parametrize(("name", "path"), ALL, ids=[n for n, _ in ALL])
def test_no_private_name_is_imported_from_another_module(name: str, path: Path) -> None:
    private = [
        f"line {line}: {module}.{taken}"
        for module, taken, line in imports(name, path)
        if taken is not None and taken.startswith("_") and not taken.endswith("__")
    ]
    assert private == []


def test_there_is_no_import_cycle() -> None:
    graph = {name: {m for m, _, _ in imports(name, path)} - {name} for name, path in ALL}
    # A package's __init__ is where its modules are imported from, not a module they
    # depend on: importing a submodule does not count as importing the package back.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    # Raised for the walk only: a higher limit left behind would change what other
    # tests see (tomllib parses a 3,000-deep watchlist instead of raising RecursionError).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for name in sorted(graph):
            if name not in state:
                visit(name, [name])
    finally:
        sys.setrecursionlimit(limit)
    assert cycles == []


@pytest.mark.parametrize(("name", "path"), ALL, ids=[n for n, _ in ALL])
def test_no_module_outgrows_a_sitting(name: str, path: Path) -> None:
    if ".migrations." in name:
        return  # a migration is as long as the change it makes
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_tests_cite_the_architecture_of_this_repository() -> None:
    outside = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path.name != Path(__file__).name and "DESIGN.md" in path.read_text(encoding="utf-8")
    ]
    assert outside == []
    assert (ROOT / "docs" / "ARCHITECTURE.md").is_file()
