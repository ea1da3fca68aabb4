"""Find the line of a key path in TOML text, so errors can say where to look.

tomllib keeps no positions, so this re-reads the text line by line, tracking
the current table (``[settings]``, the n-th ``[[company]]``, ...) and the keys
assigned in it. It only has to be right for files that already parsed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _split_key(dotted: str) -> list[str]:
    return [
        part.strip().strip("\"'")
        for part in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", dotted)
    ]


def locate(text: str, loc: Sequence[str | int]) -> int | None:
    """1-based line where the longest prefix of ``loc`` is defined, or None."""
    wanted = [str(p) for p in loc]
    best_line: int | None = None
    best_len = 0
    table: list[str] = []
    array_counts: dict[tuple[str, ...], int] = {}
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if in_multiline in line:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                # [[company.rejection]] counts within its own company.
                parent = _with_indexes(names[:-1], array_counts)
                array = (*parent, names[-1])
                index = array_counts.get(array, -1) + 1
                array_counts[array] = index
                table = [*array, str(index)]
            else:
                table = _with_indexes(names, array_counts)
            best_line, best_len = _better(wanted, table, number, best_line, best_len)
            continue
        key = _KEY.match(line)
        if key:
            path = [*table, *_split_key(key.group(1))]
            best_line, best_len = _better(wanted, path, number, best_line, best_len)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_multiline = quote
    return best_line


def _with_indexes(names: list[str], array_counts: dict[tuple[str, ...], int]) -> list[str]:
    # [company.filter] after the 3rd [[company]] belongs to company[2].
    out: list[str] = []
    for name in names:
        out.append(name)
        index = array_counts.get(tuple(out))
        if index is not None:
            out.append(str(index))
    return out


def _better(
    wanted: list[str], path: list[str], number: int, best_line: int | None, best_len: int
) -> tuple[int | None, int]:
    length = len(path)
    if length <= len(wanted) and wanted[:length] == path and length > best_len:
        return number, length
    return best_line, best_len
