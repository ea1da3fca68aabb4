"""Problems with the watchlist, worded for the person editing it.

Every problem is a key path (``company[2].greenhouse``) and a message; the loader
reports them all at once, one line each with the file and the line. msgspec, which
validates the tables, words its errors in Python's terms ("Expected `int`, got
`str` - at `$.settings.per_host`"); ``translate`` rewords them in the watchlist's.
It is written for the msgspec releases pyproject.toml admits, and
tests/config/test_errors.py fails if their wording changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from secondchance.config.tomlpos import Positions

# Where a problem is: the keys and list positions from the top of the file.
Loc = tuple[str | int, ...]
Errors = list[tuple[Loc, str]]


class ConfigError(Exception):
    """The watchlist cannot be used; ``problems`` holds one line per mistake."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_PATH_PART = re.compile(r"\.(\w+)|\[(\d+)\]")
_FIELD = re.compile(r"^Object (contains unknown|missing required) field `(?P<name>[^`]+)`")
_BOUND = re.compile(r"^Expected `(?P<what>\w+)` (?P<op>>=|<=|>|<) (?P<n>[-\d.]+)$")
_LENGTH = re.compile(r"^Expected `(?P<what>\w+)` of length (?P<op>>=|<=) (?P<n>\d+)$")
_MISMATCH = re.compile(r"^Expected `(?P<wanted>[^`]+)`, got `(?P<got>[^`]+)`$")
# In the watchlist's terms (TOML), not Python's.
_TYPE_WORDS = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "object": "a table",
    "array": "a list",
    "null": "",
    "date": "a date such as 2026-03-01",
    "datetime": "a date and time",
    "time": "a time of day",
}
_WORDS = {
    ">=": "greater than or equal to",
    "<=": "less than or equal to",
    ">": "greater than",
    "<": "less than",
}


def translate(text: str) -> tuple[Loc, str]:
    """msgspec's one-line error as (key path, message for the person editing)."""
    where: list[str | int] = []
    at = _AT.search(text)
    if at:
        text = text[: at.start()]
        for name, index in _PATH_PART.findall(at.group("path")):
            where.append(name if name else int(index))
    if field := _FIELD.match(text):
        where.append(field.group("name"))
        return tuple(where), "unknown key" if "unknown" in text else "required key is missing"
    if bound := _BOUND.match(text):
        number = bound.group("n").removesuffix(".0")
        return tuple(where), f"must be {_WORDS[bound.group('op')]} {number}"
    if length := _LENGTH.match(text):
        count = int(length.group("n"))
        unit = "character" if length.group("what") == "str" else "item"
        bound_words = "at least" if length.group("op") == ">=" else "at most"
        plural = "s" if count != 1 else ""
        return tuple(where), f"must have {bound_words} {count} {unit}{plural}"
    if text == "Number out of range":
        return tuple(where), "the number is too large"
    if text.startswith("Invalid RFC3339 encoded date"):
        return tuple(where), "expected a date such as 2026-03-01"
    if text.startswith("Invalid enum value"):
        return tuple(where), text.replace("Invalid enum value", "invalid value")
    if mismatch := _MISMATCH.match(text):
        wanted = [_TYPE_WORDS.get(t, t) for t in mismatch.group("wanted").split(" | ")]
        got = _TYPE_WORDS.get(mismatch.group("got"), mismatch.group("got"))
        return tuple(where), f"expected {' or '.join(w for w in wanted if w)}, got {got}"
    return tuple(where), text.replace("`", "").replace("Expected", "expected", 1)


def key_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def report(path: Path, positions: Positions, problems: Iterable[tuple[Loc, str]]) -> list[str]:
    """One line per problem, ``FILE:LINE: key.path: message``, in the file's order (those
    with no line first), each once."""
    located = sorted(
        (
            (positions.line(loc) or 0, key_path(loc), _without_key(loc, message))
            for loc, message in problems
        ),
        key=lambda problem: problem[0],  # stable: a line's problems in the order found
    )
    return list(
        dict.fromkeys(
            f"{path}:{line}: {key}: {message}" if line else f"{path}: {key}: {message}"
            for line, key, message in located
        )
    )


def _without_key(loc: Loc, message: str) -> str:
    """The message without the key the path ends with: sources and filters word their
    messages to stand alone ("lever_region must be ..."), the path already says it."""
    last = loc[-1] if loc else None
    if not isinstance(last, str):
        return message
    if message.startswith(f"{last}: "):
        return message[len(last) + 2 :]
    if message.startswith(f"{last} must "):
        return message[len(last) + 1 :]
    return message
