"""The watchlist file as TOML values: its bytes read, decoded, parsed and bounded.

Every way a file can fail to become values is one line with the file and, where there is
one, the line: not found, unreadable, not UTF-8 (the line of the first bad byte, not its
offset), not TOML (tomllib's line), nested too deeply. A UTF-8 byte-order mark, which
some editors write, is dropped (it sits on the first line, so no line number moves).

What this hands on is bounded, so that no later step has to be careful: arrays and
tables nest at most MAX_DEPTH deep (tomllib recurses per level and raised RecursionError
three thousand deep; the steps after it walk the values recursively too), and no string
holds a NUL character (PostgreSQL cannot store one).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from secondchance.config.errors import ConfigError, Loc, key_path
from secondchance.config.tomlpos import locate, nesting_line

# The deepest a watchlist goes is five (notify.urls[0].tags[0]); sixteen leaves room for
# any future table and is far below what tomllib and the recursive steps can take.
MAX_DEPTH = 16
_TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels of arrays and tables)"
_AT = re.compile(r"\(at line (\d+), column \d+\)")
# A value's place, spelled backwards: (its parent's trail, its key), None at the top.
_Trail = tuple["_Trail", str | int] | None


def read(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text (without a byte-order mark) and its TOML values; or ConfigError."""
    text = _text(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _AT.search(str(exc))
        prefix = f"{path}:{where.group(1)}" if where else str(path)
        raise ConfigError(path, [f"{prefix}: not valid TOML: {exc}"]) from None
    except RecursionError:
        line = nesting_line(text, MAX_DEPTH)
        prefix = f"{path}:{line}" if line else str(path)
        raise ConfigError(path, [f"{prefix}: not valid TOML: {_TOO_DEEP}"]) from None
    except ValueError as exc:
        # Python refuses to read an integer of more than 4,300 digits (int_max_str_digits).
        digits = re.search(r"[0-9_]{4300,}", text)
        if digits is None:
            raise ConfigError(path, [f"{path}: not valid TOML: {exc}"]) from None
        line = text.count("\n", 0, digits.start()) + 1
        raise ConfigError(
            path, [f"{path}:{line}: not valid TOML: a number of more than 4300 digits"]
        ) from None
    # A NUL can only be written as an escape (tomllib refuses the byte itself).
    problem = _unbounded(raw, strings="\\u0000" in text or "\\U00000000" in text)
    if problem is not None:
        loc, message = problem
        line = locate(text, loc)
        # A path as deep as the nesting is no help: its start, and the line.
        shown = key_path(loc[:4]) + "…" if message == _TOO_DEEP else key_path(loc)
        prefix = f"{path}:{line}" if line else str(path)
        raise ConfigError(path, [f"{prefix}: {shown}: {message}"])
    return text, raw


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            path,
            [f"{path}: file not found (`secondchance init` writes one; or pass --config FILE)"],
        ) from None
    except OSError as exc:
        raise ConfigError(path, [f"{path}: cannot read: {exc}"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # Counted in characters, as an editor counts: the line up to here is UTF-8.
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8")) + 1
        byte = data[exc.start]
        raise ConfigError(
            path,
            [
                f"{path}:{line}: not UTF-8 (byte 0x{byte:02x} at column {column}): "
                "save the file as UTF-8"
            ],
        ) from None
    return text.removeprefix("\ufeff")


def _unbounded(raw: dict[str, Any], strings: bool) -> tuple[Loc, str] | None:
    """The first array or table nested deeper than MAX_DEPTH or, with ``strings``,
    string holding a NUL, with its problem.

    A walk with a list for a stack: a dotted key of three thousand parts is as deep as
    three thousand brackets, and tomllib builds it without recursing. It runs on every
    start, over a thousand companies: only arrays and tables are stacked, each with its
    depth and a link to its parent, the path spelled out only for a problem.
    """
    stack: list[tuple[int, dict[str, Any] | list[Any], _Trail]] = [(0, raw, None)]
    while stack:
        depth, container, trail = stack.pop()
        if depth > MAX_DEPTH:
            return _path(trail), _TOO_DEEP
        items = container.items() if type(container) is dict else enumerate(container)
        for key, item in items:
            kind = type(item)  # tomllib makes plain dicts, lists and strs
            if kind is dict or kind is list:
                stack.append((depth + 1, item, (trail, key)))
            elif strings and kind is str and "\x00" in item:
                where = _path((trail, key))
                return where, "contains a NUL character (\\u0000), which cannot be stored"
    return None


def _path(trail: _Trail) -> Loc:
    parts: list[str | int] = []
    while trail is not None:
        trail, key = trail
        parts.append(key)
    return tuple(reversed(parts))
