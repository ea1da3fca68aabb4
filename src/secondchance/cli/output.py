"""Tables that a person and a pipe can both read.

To a pipe or a file: tab-separated lines under a header line, one record per line,
whatever the width, so `cut`, `grep` and `sort` work (and `--json` gives more). In a
terminal: a table when it fits; when it does not, the columns that must stay whole
(URLs, board names, ids: a folded URL is a broken link) keep their width and the free
text folds; when even that does not fit, one block per record, each value on a line of
its own, which the terminal may wrap but nothing cuts.
"""

from __future__ import annotations

import sys
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from secondchance.cli.common import to_terminal

if TYPE_CHECKING:  # rich is imported only when a terminal is there to draw on
    from rich.console import Console

# Narrower than this, a folded column shows too little to be worth a table.
_MIN_FOLDED = 12


@dataclass
class Table:
    title: str
    columns: tuple[str, ...]
    # Columns never cut or folded: URLs, board names, ids.
    whole: AbstractSet[str] = frozenset()
    right: AbstractSet[str] = frozenset()  # right-aligned (numbers)
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, *cells: str) -> None:
        self.rows.append(tuple(cells))


def _plain(cell: str) -> str:
    # A tab or a line break inside a value would split its record in a pipe.
    return " ".join(cell.split()) if any(c in cell for c in "\t\r\n\v\f") else cell


def tsv(table: Table) -> str:
    lines = ["\t".join(table.columns)]
    lines += ["\t".join(_plain(cell) for cell in row) for row in table.rows]
    return "\n".join(lines) + "\n"


def _widths(table: Table) -> list[int]:
    from rich.cells import cell_len

    return [
        max([cell_len(name)] + [cell_len(row[i]) for row in table.rows])
        for i, name in enumerate(table.columns)
    ]


def layout(table: Table, width: int) -> str:
    """How the table is shown in a terminal this wide: "table" (as it is), "fold" (the
    whole columns at full width, the others folded) or "blocks"."""
    natural = _widths(table)
    borders = 3 * len(natural) + 1  # "│ " before each column, " │" after the last
    if sum(natural) + borders <= width:
        return "table"
    fixed = sum(w for name, w in zip(table.columns, natural, strict=True) if name in table.whole)
    folded = sum(
        min(w, _MIN_FOLDED)
        for name, w in zip(table.columns, natural, strict=True)
        if name not in table.whole
    )
    return "fold" if fixed + folded + borders <= width else "blocks"


def emit(table: Table, empty: str | None = None) -> None:
    """Print ``table`` for whatever standard output is (``empty``: the line to print
    instead of a table without rows)."""
    if not table.rows and empty is not None:
        print(empty)
        return
    if not to_terminal():
        sys.stdout.write(tsv(table))
        sys.stdout.flush()
        return
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console(highlight=False, markup=False)
    how = layout(table, console.width)
    if how == "blocks":
        _blocks(console, table)
        return
    shown = RichTable(title=table.title, title_justify="left")
    for name, natural in zip(table.columns, _widths(table), strict=True):
        keep = how == "table" or name in table.whole
        shown.add_column(
            name,
            justify="right" if name in table.right else "left",
            no_wrap=keep,
            min_width=natural if keep else None,
            overflow="ignore" if keep else "fold",
        )
    for row in table.rows:
        shown.add_row(*map(_plain, row))
    console.print(shown)


def _blocks(console: Console, table: Table) -> None:
    # soft_wrap: the terminal wraps a long URL; rich must not insert line breaks in it.
    console.print(table.title, style="bold", soft_wrap=True)
    for row in table.rows:
        console.print(soft_wrap=True)
        console.print(_plain(row[0]), style="bold", soft_wrap=True)
        for name, cell in zip(table.columns[1:], row[1:], strict=True):
            if cell:
                console.print(f"  {name}: {_plain(cell)}", soft_wrap=True)
