"""Find the line of a key path in TOML text, so problems can say where to look.

tomllib keeps no positions, so the text is read again by a tokenizer of its own, which
tracks the current table (``[settings]``, the n-th ``[[company]]``, ...), the keys
assigned in it, and the elements of arrays: an element of an array written over several
lines is found on its own line (the third of the ``urls``), not on the array's first.
Every path and each of its prefixes maps to the first line that defines it; a key path
is located at its longest prefix so defined (a missing key: its table's header).

It only has to be right for files that parsed. ``nesting_line`` also reads files that
tomllib could not: the line where arrays and inline tables nest too deeply for it.
Nothing here recurses, whatever the nesting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_TRIPLE_BASIC = r'"""(?:[^"\\]|\\.|"(?!""))*"""' + r'"{0,2}'  # up to 2 quotes end the text
_TRIPLE_LITERAL = r"'''(?:[^']|'(?!''))*'''" + r"'{0,2}"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_TOKEN = re.compile(
    r"(?P<newline>\n)|(?P<space>[ \t\r]+)|(?P<comment>#[^\n]*)"
    rf"|(?P<string>{_TRIPLE_BASIC}|{_TRIPLE_LITERAL}|{_BASIC}|{_LITERAL})"
    r"|(?P<punct>[\[\]{}=,.])"
    r"""|(?P<bare>[^\s\[\]{}=,.#"']+)|(?P<other>.)""",
    re.DOTALL,
)
# Paths are kept to this many parts: no watchlist key is deeper, and a dotted key of a
# thousand parts must not cost a thousand prefixes of a thousand parts each.
_KEPT = 40

Path = tuple[str, ...]


@dataclass
class _Open:
    """An array or inline table whose closing bracket is still to come."""

    path: Path
    array: bool
    count: int = 0  # elements so far (arrays)


class Positions:
    """The lines of one text's key paths, read once for every problem of a load."""

    def __init__(self, text: str) -> None:
        self._lines, _ = _scan(text, depth_limit=None)

    def line(self, loc: Sequence[str | int]) -> int | None:
        """1-based line where the longest prefix of ``loc`` is defined, or None."""
        wanted = tuple(str(part) for part in loc)[:_KEPT]
        for length in range(len(wanted), 0, -1):
            found = self._lines.get(wanted[:length])
            if found is not None:
                return found
        return None


def locate(text: str, loc: Sequence[str | int]) -> int | None:
    """1-based line where the longest prefix of ``loc`` is defined, or None."""
    return Positions(text).line(loc)


def nesting_line(text: str, depth: int) -> int | None:
    """The line where arrays and inline tables first open more than ``depth`` deep."""
    _, line = _scan(text, depth_limit=depth)
    return line


def _scan(text: str, depth_limit: int | None) -> tuple[dict[Path, int], int | None]:
    """Every path the text defines → its first line; and, with ``depth_limit``, the line
    where the nesting first goes past it (the scan stops there)."""
    lines: dict[Path, int] = {}

    def define(path: Path, at: int) -> None:
        path = path[:_KEPT]
        for length in range(1, len(path) + 1):
            lines.setdefault(path[:length], at)

    line = 1
    table: Path = ()
    array_tables: dict[Path, int] = {}  # [[company]] → the index of the last one
    open_: list[_Open] = []
    # "line": a statement may start; "header": inside [...]; "key": before "=";
    # "value": after "="; "element": an array's next element or its end; "after": the
    # rest of a value, up to a separator.
    state = "line"
    parts: list[str] = []
    base: Path = ()
    double = False
    value: Path = ()
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "newline":
            line += 1
            if not open_:
                state = "line"
            continue
        if kind in ("space", "comment"):
            continue
        at = line
        if kind == "string":
            line += token.count("\n")
        if state == "line":
            if token == "[":
                state, parts, double = "header", [], False
                continue
            state, parts, base = "key", [], table
        if state == "header":
            if token == "[" and not parts:
                double = True
            elif kind in ("bare", "string"):
                parts.append(_unquote(token))
            elif token == "]":
                table = _header(parts, double, array_tables)
                define(table, at)
                state = "after"
            continue
        if state == "key":
            if kind in ("bare", "string"):
                parts.append(_unquote(token))
            elif token == "=":
                value = (*base, *parts)
                define(value, at)
                state = "value"
            elif token == "}" and open_:  # an empty inline table
                open_.pop()
                state = "after"
            continue
        if state == "element":
            if token == "]":
                open_.pop()
                state = "after"
                continue
            array = open_[-1]
            value = (*array.path, str(array.count))
            array.count += 1
            define(value, at)
            state = "value"
        if state == "value":
            if token in ("[", "{"):
                open_.append(_Open(value, array=token == "["))
                if depth_limit is not None and len(open_) > depth_limit:
                    return lines, at
                state, parts, base = ("element", [], ()) if token == "[" else ("key", [], value)
            else:
                state = "after"  # a scalar; the rest of it (1.5, a date) is skipped
            continue
        # state == "after": only the separators of the enclosing array or table count.
        if open_ and token == ",":
            state, parts, base = (
                ("element", [], ()) if open_[-1].array else ("key", [], open_[-1].path)
            )
        elif open_ and token in ("]", "}"):
            open_.pop()
    return lines, None


def _header(names: list[str], double: bool, array_tables: dict[Path, int]) -> Path:
    if not double:
        return _with_indexes(names, array_tables)
    # [[company.rejection]] counts within its own company.
    array = (*_with_indexes(names[:-1], array_tables), *names[-1:])
    index = array_tables.get(array, -1) + 1
    array_tables[array] = index
    return (*array, str(index))


def _with_indexes(names: list[str], array_tables: dict[Path, int]) -> Path:
    # [company.filter] after the 3rd [[company]] belongs to company[2].
    out: list[str] = []
    for name in names:
        out.append(name)
        index = array_tables.get(tuple(out))
        if index is not None:
            out.append(str(index))
    return tuple(out)


def _unquote(token: str) -> str:
    return token[1:-1] if token[:1] in ('"', "'") else token
