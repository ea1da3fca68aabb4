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
    problem = _unbounded(raw)
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
            [f"{path}: file not found (copy config.example.toml there, or pass --config FILE)"],
        ) from None
    except OSError as exc:
        raise ConfigError(path, [f"{path}: cannot read: {exc}"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start]
        raise ConfigError(
            path,
            [
                f"{path}:{line}: not UTF-8 (byte 0x{byte:02x} at column {column}): "
                "save the file as UTF-8"
            ],
        ) from None
    return text.removeprefix("\ufeff")


def _unbounded(raw: dict[str, Any]) -> tuple[Loc, str] | None:
    """The first value nested deeper than MAX_DEPTH or holding a NUL, with its problem.

    A walk with a list for a stack: a dotted key of three thousand parts is as deep as
    three thousand brackets, and tomllib builds it without recursing.
    """
    stack: list[tuple[Loc, object]] = [((), raw)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict | list):
            if len(loc) > MAX_DEPTH:
                return loc, _TOO_DEEP
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend(((*loc, key), item) for key, item in items)
        elif isinstance(value, str) and "\x00" in value:
            return loc, "contains a NUL character (\\u0000), which cannot be stored"
    return None
