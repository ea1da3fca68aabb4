"""The starter watchlist `secondchance init` writes: the example shipped in the package,
with every [[company]] commented out. The example's companies are real boards, but its
rejection is not the user's: a starter that alerted on them would be a lie, and one
with nothing to uncomment would teach nothing."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# The top-level config.example.toml of the repository links here.
EXAMPLE = "watchlist.example.toml"

_HEADER = """\
# Written by `secondchance init`. Every [[company]] below is commented out: they show
# the forms a board can take. Add your own (`secondchance discover URL --add NAME` finds
# a company's board and appends it here), then run `secondchance check`.
#
"""


def example_text() -> str:
    return resources.files("secondchance.config").joinpath(EXAMPLE).read_text(encoding="utf-8")


def starter_text(example: str) -> str:
    """``example`` with every line from its first [[company]] on commented out."""
    lines = example.splitlines(keepends=True)
    first = next(
        (i for i, line in enumerate(lines) if line.lstrip().startswith("[[company")), len(lines)
    )
    tail = [
        line if not line.strip() or line.lstrip().startswith("#") else "# " + line
        for line in lines[first:]
    ]
    return _HEADER + "".join(lines[:first] + tail)


def write_starter(path: Path) -> bool:
    """Create ``path`` (and its folder) holding the starter watchlist, readable by its
    owner only: it will hold notification URLs, which carry secrets. False when the file
    already exists: it is the user's, and is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: never overwrite, even a file created a moment ago by someone else.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(starter_text(example_text()))
    return True
